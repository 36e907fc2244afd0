import type { ApiClient } from '../../../common/api/client';
import { API_EVENT_NAMES, apiCalls } from '../../../common/api/contract';
import type { ApiCallName, ApiEventData, ApiEventName, ApiParams, ApiResult } from '../../../common/api/contract';

type Handler<N extends ApiCallName> = (params: ApiParams<N>) => ApiResult<N> | Promise<ApiResult<N>>;

/**
 * An ApiClient for store tests: each call is answered by a handler the test sets, and
 * the test pushes events and connection changes itself. Stores see exactly what they
 * would see from either real transport; there is nothing else to fake on this side.
 *
 * It holds both sides to the contract, as the real dispatcher does, so it cannot drift
 * from the backend: a store's params are parsed with the call's zod schema (strict:
 * unknown keys and wrong types fail the test) and the handler gets the parsed params;
 * a scripted result or event must survive the JSON that both transports carry (no
 * bigint, Date, undefined or functions).
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
    const spec = apiCalls[name];
    if (!spec) throw new Error(`ScriptedApiClient: ${String(name)} is not a call of the contract`);
    const parsed = spec.params.safeParse(params);
    if (!parsed.success) throw new Error(`ScriptedApiClient: ${name} called with params the contract refuses: ${parsed.error.message}`);
    const handler = this.handlers.get(name) as Handler<N> | undefined;
    if (!handler) throw new Error(`ScriptedApiClient: no answer for ${name}`);
    const result = await handler(parsed.data as ApiParams<N>);
    requireJsonSafe(`the result of ${name}`, result);
    return result;
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
    if (!API_EVENT_NAMES.includes(event)) throw new Error(`ScriptedApiClient: ${String(event)} is not an event of the contract`);
    requireJsonSafe(`the data of ${event}`, data);
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

/** Throws when `value` would not cross a transport unchanged (JSON both ways). */
export function requireJsonSafe(what: string, value: unknown, path = '$'): void {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`ScriptedApiClient: ${what} has a non-finite number at ${path}`);
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((v, i) => requireJsonSafe(what, v, `${path}[${i}]`));
    return;
  }
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    for (const [k, v] of Object.entries(value)) {
      // An absent optional field is fine; JSON drops `undefined` properties the same way on both transports.
      if (v !== undefined) requireJsonSafe(what, v, `${path}.${k}`);
    }
    return;
  }
  const kind = value === undefined ? 'undefined' : typeof value === 'object' ? (value as object).constructor?.name ?? 'object' : typeof value;
  throw new Error(`ScriptedApiClient: ${what} holds ${kind} at ${path}, which does not survive the transports' JSON`);
}

/** Lets pending promise callbacks run, so a test can look at the state after a call. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve();
}
