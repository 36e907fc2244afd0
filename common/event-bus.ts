/**
 * A small typed publish/subscribe used on both sides of the API: services publish
 * domain events in main, transports forward them, the renderer's client re-publishes them.
 */
export type Listener<D> = (data: D) => void;

/** Told when a listener throws; main passes its logger here (common/ has no logger of its own). */
export type ListenerErrorHandler = (event: string, error: unknown) => void;

export class EventBus<Events extends Record<string, unknown>> {
  private readonly listeners = new Map<keyof Events, Set<Listener<never>>>();

  constructor(private readonly onListenerError: ListenerErrorHandler) {}

  on<E extends keyof Events>(event: E, listener: Listener<Events[E]>): () => void {
    let set = this.listeners.get(event);
    if (!set) {
      set = new Set();
      this.listeners.set(event, set);
    }
    set.add(listener as Listener<never>);
    return () => {
      set.delete(listener as Listener<never>);
      if (set.size === 0) this.listeners.delete(event);
    };
  }

  emit<E extends keyof Events>(event: E, data: Events[E]): void {
    const set = this.listeners.get(event);
    if (!set) return;
    for (const listener of [...set]) {
      try {
        (listener as Listener<Events[E]>)(data);
      } catch (error) {
        // One broken listener must not stop the others (a closed window, a dead socket).
        this.onListenerError(String(event), error);
      }
    }
  }

  listenerCount(event: keyof Events): number {
    return this.listeners.get(event)?.size ?? 0;
  }
}
