import { afterEach, describe, expect, it, vi } from 'vitest';
import { DisposableStore, MutableDisposable, disposableInterval, disposableTimeout, on, toDisposable } from './lifecycle';

/** A minimal Node-style emitter (common/ has no node:events). */
class FakeEmitter {
  readonly listeners = new Map<string, Set<(...args: never[]) => void>>();
  on(event: string, fn: (...args: never[]) => void): this {
    if (!this.listeners.has(event)) this.listeners.set(event, new Set());
    this.listeners.get(event)!.add(fn);
    return this;
  }
  removeListener(event: string, fn: (...args: never[]) => void): this {
    this.listeners.get(event)?.delete(fn);
    return this;
  }
  emit(event: string, value: number): void {
    for (const fn of this.listeners.get(event) ?? []) (fn as (v: number) => void)(value);
  }
  count(event: string): number {
    return this.listeners.get(event)?.size ?? 0;
  }
}

describe('toDisposable', () => {
  it('runs its clean-up once however often it is disposed', () => {
    const fn = vi.fn();
    const d = toDisposable(fn);
    void d.dispose();
    void d.dispose();
    expect(fn).toHaveBeenCalledTimes(1);
  });
});

describe('DisposableStore', () => {
  it('disposes its items newest first, synchronously when they are synchronous', () => {
    const order: string[] = [];
    const store = new DisposableStore();
    store.add(toDisposable(() => order.push('first')));
    store.add(toDisposable(() => order.push('second')));
    store.defer(() => order.push('third'));
    void store.dispose();
    expect(order).toEqual(['third', 'second', 'first']);
    expect(store.size).toBe(0);
  });

  it('is idempotent: a second dispose disposes nothing again and returns the same promise', async () => {
    const fn = vi.fn();
    const store = new DisposableStore();
    store.defer(fn);
    const first = store.dispose();
    expect(store.dispose()).toBe(first);
    await first;
    expect(fn).toHaveBeenCalledTimes(1);
    expect(store.isDisposed).toBe(true);
  });

  it('waits for an asynchronous item before disposing the one registered before it', async () => {
    const order: string[] = [];
    let release!: () => void;
    const store = new DisposableStore();
    store.defer(() => order.push('older'));
    store.defer(() => new Promise<void>((resolve) => (release = () => { order.push('newer'); resolve(); })));
    const done = store.dispose();
    await Promise.resolve();
    expect(order).toEqual([]);
    release();
    await done;
    expect(order).toEqual(['newer', 'older']);
  });

  it('disposes a child store with everything in it', async () => {
    const order: string[] = [];
    const parent = new DisposableStore();
    const child = parent.add(new DisposableStore());
    child.defer(() => order.push('child item'));
    parent.defer(() => order.push('parent item'));
    await parent.dispose();
    expect(order).toEqual(['parent item', 'child item']);
    expect(child.isDisposed).toBe(true);
  });

  it('disposes every item even when one throws, then reports the error', async () => {
    const later = vi.fn();
    const store = new DisposableStore();
    store.defer(later);
    store.defer(() => {
      throw new Error('boom');
    });
    await expect(store.dispose()).rejects.toThrow('boom');
    expect(later).toHaveBeenCalledTimes(1);
  });

  it('disposes an item added after it was disposed at once, and says so', async () => {
    const warnings: string[] = [];
    const store = new DisposableStore({ name: 'TestService', onAddAfterDispose: (text) => warnings.push(text) });
    await store.dispose();
    const fn = vi.fn();
    store.defer(fn);
    expect(fn).toHaveBeenCalledTimes(1);
    expect(store.size).toBe(0);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('TestService');
  });

  it('delete takes an item back without disposing it', async () => {
    const fn = vi.fn();
    const store = new DisposableStore();
    const d = store.defer(fn);
    expect(store.delete(d)).toBe(true);
    expect(store.delete(d)).toBe(false);
    await store.dispose();
    expect(fn).not.toHaveBeenCalled();
  });

  it('clear disposes what is held and stays usable', async () => {
    const fn = vi.fn();
    const store = new DisposableStore();
    store.defer(fn);
    await store.clear();
    expect(fn).toHaveBeenCalledTimes(1);
    const again = vi.fn();
    store.defer(again);
    expect(again).not.toHaveBeenCalled();
    expect(store.size).toBe(1);
  });
});

describe('MutableDisposable', () => {
  it('disposes the old value when a new one is set, and the last one on dispose', () => {
    const slot = new MutableDisposable();
    const a = vi.fn();
    const b = vi.fn();
    slot.value = toDisposable(a);
    slot.value = toDisposable(b);
    expect(a).toHaveBeenCalledTimes(1);
    expect(b).not.toHaveBeenCalled();
    void slot.dispose();
    expect(b).toHaveBeenCalledTimes(1);
    const c = vi.fn();
    slot.value = toDisposable(c);
    expect(c).toHaveBeenCalledTimes(1);
    expect(slot.value).toBeNull();
  });
});

describe('timers', () => {
  afterEach(() => vi.useRealTimers());

  it('a disposed timeout never fires; one that fired leaves its store', () => {
    vi.useFakeTimers();
    const store = new DisposableStore();
    const cancelled = vi.fn();
    const fired = vi.fn();
    const t = disposableTimeout(cancelled, 100, store);
    disposableTimeout(fired, 50, store);
    expect(store.size).toBe(2);
    void t.dispose();
    vi.advanceTimersByTime(200);
    expect(cancelled).not.toHaveBeenCalled();
    expect(fired).toHaveBeenCalledTimes(1);
    expect(store.size).toBe(1); // the cancelled one is still registered; disposing it again is harmless
    expect(vi.getTimerCount()).toBe(0);
  });

  it('an interval runs until its store is disposed', async () => {
    vi.useFakeTimers();
    const store = new DisposableStore();
    const tick = vi.fn();
    disposableInterval(tick, 10, store);
    vi.advanceTimersByTime(35);
    expect(tick).toHaveBeenCalledTimes(3);
    await store.dispose();
    vi.advanceTimersByTime(100);
    expect(tick).toHaveBeenCalledTimes(3);
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('on', () => {
  it('removes a Node-style listener when disposed', () => {
    const emitter = new FakeEmitter();
    const seen: number[] = [];
    const d = on<[number]>(emitter, 'data', (v) => seen.push(v));
    emitter.emit('data', 1);
    void d.dispose();
    emitter.emit('data', 2);
    expect(seen).toEqual([1]);
    expect(emitter.count('data')).toBe(0);
  });

  it('removes a DOM-style listener when disposed', () => {
    const added: Array<() => void> = [];
    const target = {
      addEventListener: (_: string, fn: () => void) => added.push(fn),
      removeEventListener: (_: string, fn: () => void) => added.splice(added.indexOf(fn), 1),
    };
    const d = on(target, 'message', () => undefined);
    expect(added).toHaveLength(1);
    void d.dispose();
    expect(added).toHaveLength(0);
  });
});
