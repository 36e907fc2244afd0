import type { ApiClient } from '../../../common/api/client';
import type { ApiCallName, ApiEventData, ApiEventName, ApiParams, ApiResult } from '../../../common/api/contract';

type Handler<N extends ApiCallName> = (params: ApiParams<N>) => ApiResult<N> | Promise<ApiResult<N>>;

/**
 * An ApiClient for store tests: each call is answered by a handler the test sets, and
 * the test pushes events and connection changes itself. Stores see exactly what they
 * would see from either real transport; there is nothing else to fake on this side.
 */
export class ScriptedApiClient implements ApiClient {
  readonly calls: Array<{ name: ApiCallName; params: unknown }> = [];
  private readonly handlers = new Map<ApiCallName, Handler<ApiCallName>>();
  private readonly listeners = new Map<ApiEventName, Set<(data: unknown) => void>>();
  private readonly connectionListeners = new Set<(connected: boolean) => void>();

  constructor(withConnection = true) {
    if (!withConnection) this.onConnectionChange = undefined;
  }

  answer<N extends ApiCallName>(name: N, handler: Handler<N>): this {
    this.handlers.set(name, handler as unknown as Handler<ApiCallName>);
    return this;
  }

  async call<N extends ApiCallName>(name: N, params: ApiParams<N>): Promise<ApiResult<N>> {
    this.calls.push({ name, params });
    const handler = this.handlers.get(name) as Handler<N> | undefined;
    if (!handler) throw new Error(`ScriptedApiClient: no answer for ${name}`);
    return handler(params);
  }

  callsOf(name: ApiCallName): unknown[] {
    return this.calls.filter((c) => c.name === name).map((c) => c.params);
  }

  subscribe<E extends ApiEventName>(event: E, listener: (data: ApiEventData<E>) => void): () => void {
    let set = this.listeners.get(event);
    if (!set) {
      set = new Set();
      this.listeners.set(event, set);
    }
    const l = listener as (data: unknown) => void;
    set.add(l);
    return () => set.delete(l);
  }

  listenerCount(event: ApiEventName): number {
    return this.listeners.get(event)?.size ?? 0;
  }

  emit<E extends ApiEventName>(event: E, data: ApiEventData<E>): void {
    for (const l of this.listeners.get(event) ?? []) l(data);
  }

  onConnectionChange? = (listener: (connected: boolean) => void): (() => void) => {
    this.connectionListeners.add(listener);
    return () => this.connectionListeners.delete(listener);
  };

  setConnected(connected: boolean): void {
    for (const l of this.connectionListeners) l(connected);
  }
}

/** Lets pending promise callbacks run, so a test can look at the state after a call. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve();
}
