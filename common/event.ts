import type { Disposable, DisposableStore } from './lifecycle';
import { toDisposable } from './lifecycle';
import { reportUnexpectedError } from './errors';

/**
 * A typed event a service exposes, VS Code style: `readonly onDidChangeStatus: Event<Status>`.
 * Subscribing returns the `Disposable` that unsubscribes; given a store, the subscription
 * is registered there, so the subscriber's own `dispose()` releases it.
 *
 * Services talk to each other through these; the UI's event names (common/api) appear
 * only where main forwards service events to the transports.
 */
export type Event<T> = (listener: (value: T) => void, store?: DisposableStore) => Disposable;

export interface EmitterOptions {
  /** Told when a listener throws (the others still run). */
  onListenerError?: (error: unknown) => void;
}

/** Subscriptions alive across every emitter (the leak test compares it before and after the app runs). */
let liveListeners = 0;

/** How many subscriptions to any `Emitter` have not been disposed. */
export function liveEventListeners(): number {
  return liveListeners;
}

/** The owning side of an `Event`: the service keeps the emitter private and exposes `emitter.event`. */
export class Emitter<T> implements Disposable {
  private readonly listeners = new Set<{ fn: (value: T) => void }>();
  private disposed = false;

  constructor(private readonly options: EmitterOptions = {}) {}

  readonly event: Event<T> = (fn, store) => {
    if (this.disposed) return toDisposable(() => undefined);
    // A wrapper per subscription: the same function subscribed twice is two subscriptions.
    const entry = { fn };
    this.listeners.add(entry);
    liveListeners += 1;
    const subscription = toDisposable(() => {
      if (this.listeners.delete(entry)) liveListeners -= 1;
    });
    store?.add(subscription);
    return subscription;
  };

  /** Calls every listener with `value`; one that throws does not stop the others. */
  fire(value: T): void {
    for (const entry of [...this.listeners]) {
      if (!this.listeners.has(entry)) continue; // removed by an earlier listener
      try {
        entry.fn(value);
      } catch (error) {
        (this.options.onListenerError ?? ((e: unknown) => reportUnexpectedError('an event listener threw', e)))(error);
      }
    }
  }

  get listenerCount(): number {
    return this.listeners.size;
  }

  /** Drops every listener; later subscriptions are ignored. */
  dispose(): void {
    this.disposed = true;
    liveListeners -= this.listeners.size;
    this.listeners.clear();
  }
}

/** Events derived from others without an emitter of their own. */
export const Events = {
  /** An event that never fires. */
  none: (() => toDisposable(() => undefined)) as Event<never>,

  /** `event`, with each value passed through `map`. */
  map<I, O>(event: Event<I>, map: (value: I) => O): Event<O> {
    return (listener, store) => event((value) => listener(map(value)), store);
  },

  /** `event`, only for the values that pass `filter`. */
  filter<T>(event: Event<T>, filter: (value: T) => boolean): Event<T> {
    return (listener, store) => event((value) => filter(value) && listener(value), store);
  },

  /** Fires whenever any of `events` fires. */
  any<T>(...events: Array<Event<T>>): Event<T> {
    return (listener, store) => {
      const subscriptions = events.map((event) => event(listener));
      const all = toDisposable(() => {
        for (const s of subscriptions) void s.dispose();
      });
      store?.add(all);
      return all;
    };
  },
};
