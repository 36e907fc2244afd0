import { reportUnexpectedError } from './errors';

/**
 * Lifecycles: whatever a service starts (a listener, a timer, a socket, a child
 * process, another service) is registered as a `Disposable` in the service's
 * `DisposableStore`, and disposing the store releases all of it, newest first. A
 * service's `dispose()` is then one line, and nothing it started can be forgotten.
 *
 * Disposal may be asynchronous (a child that has to exit, a server that has to close):
 * the store waits for each item before it disposes the one registered before it, so
 * what was started last (and may depend on the rest) goes first.
 */
export interface Disposable {
  dispose(): void | Promise<void>;
}

function isPromise(value: unknown): value is Promise<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

/** Wraps a clean-up function; calling `dispose()` twice runs it once. */
export function toDisposable(dispose: () => unknown): Disposable {
  let done = false;
  return {
    dispose() {
      if (done) return;
      done = true;
      const result = dispose();
      if (isPromise(result)) return result.then(() => undefined);
    },
  };
}

/** A disposable whose `dispose` does nothing (for "nothing was started"). */
export const noopDisposable: Disposable = Object.freeze({ dispose: () => undefined });

export interface DisposableStoreOptions {
  /**
   * Told when something is added after the store was disposed: the item is disposed at
   * once (so nothing leaks), but the caller started work it did not need, which is a bug.
   */
  onAddAfterDispose?: (description: string) => void;
  /** Names the store in that warning (the owning service). */
  name?: string;
}


export class DisposableStore implements Disposable {
  private readonly items: Disposable[] = [];
  private disposing: Promise<void> | null = null;

  constructor(private readonly options: DisposableStoreOptions = {}) {}

  get isDisposed(): boolean {
    return this.disposing !== null;
  }

  /** How many items are held (tests count them). */
  get size(): number {
    return this.items.length;
  }

  /** Registers `item` and returns it, so `const x = store.add(new X())` reads naturally. */
  add<T extends Disposable>(item: T): T {
    if (this.disposing) {
      const warn = this.options.onAddAfterDispose ?? ((text: string) => reportUnexpectedError(text));
      warn(`[lifecycle] ${this.options.name ?? 'a store'} was already disposed; the item added to it was disposed at once`);
      const result = item.dispose();
      if (isPromise(result)) result.catch(() => undefined);
      return item;
    }
    this.items.push(item);
    return item;
  }

  /** Shorthand for `add(toDisposable(fn))`. */
  defer(fn: () => unknown): Disposable {
    return this.add(toDisposable(fn));
  }

  /**
   * Takes an item back without disposing it (it was released some other way, such as a
   * timer that fired); returns whether the store held it.
   */
  delete(item: Disposable): boolean {
    const index = this.items.lastIndexOf(item);
    if (index < 0) return false;
    this.items.splice(index, 1);
    return true;
  }

  /**
   * Disposes every item, newest first, waiting for each one that returns a promise. Items
   * that are synchronous are all released before this returns. Every item is disposed
   * even when some throw; the first error is rethrown at the end. Idempotent: a second
   * call returns the first call's promise.
   */
  dispose(): Promise<void> {
    this.disposing ??= disposeInReverse(this.items.splice(0));
    return this.disposing;
  }

  /** Disposes what is held now and keeps the store open for more (a service that restarts). */
  clear(): Promise<void> {
    return disposeInReverse(this.items.splice(0));
  }
}

/** Disposes `items` from last to first; see `DisposableStore.dispose`. */
export async function disposeInReverse(items: readonly Disposable[]): Promise<void> {
  const errors: unknown[] = [];
  for (let i = items.length - 1; i >= 0; i--) {
    try {
      const result = items[i]!.dispose();
      if (isPromise(result)) await result;
    } catch (error) {
      errors.push(error);
    }
  }
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new AggregateError(errors, `${errors.length} items failed to dispose`);
}

/** A slot that holds at most one disposable: setting a new value disposes the old one. */
export class MutableDisposable<T extends Disposable> implements Disposable {
  private current: T | null = null;
  private disposed = false;

  get value(): T | null {
    return this.current;
  }

  set value(next: T | null) {
    if (this.disposed) {
      void next?.dispose();
      return;
    }
    if (next === this.current) return;
    const old = this.current;
    this.current = next;
    void old?.dispose();
  }

  /** Disposes the value held now, if any, and leaves the slot empty. */
  clear(): void | Promise<void> {
    const old = this.current;
    this.current = null;
    return old?.dispose();
  }

  dispose(): void | Promise<void> {
    this.disposed = true;
    return this.clear();
  }
}

// Timers and listeners, typed structurally so that common/ needs neither Node nor DOM types.

interface TimerHandle {
  unref?: () => void;
}

export interface TimerOptions {
  /** Node: let the process exit while only this timer is left (default true). */
  unref?: boolean;
}

function unrefTimer(handle: unknown, options: TimerOptions): void {
  if (options.unref === false) return;
  const unref = (handle as TimerHandle | null)?.unref;
  if (typeof unref === 'function') unref.call(handle);
}

/**
 * Runs `fn` once after `ms`; disposing first cancels it. Given a store, the timer is
 * registered there and leaves it again when it fires, so a store never holds spent timers.
 */
export function disposableTimeout(fn: () => void, ms: number, store?: DisposableStore, options: TimerOptions = {}): Disposable {
  const handle = setTimeout(() => {
    if (store) store.delete(timer);
    fn();
  }, ms);
  unrefTimer(handle, options);
  const timer = toDisposable(() => clearTimeout(handle));
  store?.add(timer);
  return timer;
}

/** Runs `fn` every `ms` until disposed (registered in `store` when given). */
export function disposableInterval(fn: () => void, ms: number, store?: DisposableStore, options: TimerOptions = {}): Disposable {
  const handle = setInterval(fn, ms);
  unrefTimer(handle, options);
  const timer = toDisposable(() => clearInterval(handle));
  store?.add(timer);
  return timer;
}

/** Node's `EventEmitter` and its look-alikes (child processes, sockets, streams, Electron objects). */
export interface NodeStyleEmitter {
  on(event: string, listener: (...args: never[]) => void): unknown;
  removeListener(event: string, listener: (...args: never[]) => void): unknown;
}

/** The DOM's `EventTarget` (windows, elements, WebSockets in the browser). */
export interface DomStyleTarget {
  addEventListener(event: string, listener: (...args: never[]) => void): void;
  removeEventListener(event: string, listener: (...args: never[]) => void): void;
}

/** Adds `listener` to `emitter` and returns what removes it again. */
export function on<A extends unknown[]>(emitter: NodeStyleEmitter | DomStyleTarget, event: string, listener: (...args: A) => void): Disposable {
  const fn = listener as unknown as (...args: never[]) => void;
  if ('addEventListener' in emitter) {
    emitter.addEventListener(event, fn);
    return toDisposable(() => emitter.removeEventListener(event, fn));
  }
  emitter.on(event, fn);
  return toDisposable(() => {
    emitter.removeListener(event, fn);
  });
}
