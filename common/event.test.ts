import { describe, expect, it, vi } from 'vitest';
import { Emitter, Events, liveEventListeners } from './event';
import { DisposableStore } from './lifecycle';
import { setUnexpectedErrorHandler } from './errors';

describe('Emitter', () => {
  it('delivers to subscribers until they unsubscribe', () => {
    const emitter = new Emitter<number>();
    const seen: number[] = [];
    const sub = emitter.event((v) => seen.push(v));
    emitter.fire(1);
    void sub.dispose();
    emitter.fire(2);
    expect(seen).toEqual([1]);
    expect(emitter.listenerCount).toBe(0);
  });

  it('registers the subscription in the given store', async () => {
    const emitter = new Emitter<string>();
    const store = new DisposableStore();
    const fn = vi.fn();
    emitter.event(fn, store);
    expect(emitter.listenerCount).toBe(1);
    await store.dispose();
    emitter.fire('x');
    expect(fn).not.toHaveBeenCalled();
    expect(emitter.listenerCount).toBe(0);
  });

  it('keeps calling the other listeners when one throws', () => {
    const errors: unknown[] = [];
    const emitter = new Emitter<number>({ onListenerError: (e) => errors.push(e) });
    const fn = vi.fn();
    emitter.event(() => {
      throw new Error('broken');
    });
    emitter.event(fn);
    emitter.fire(7);
    expect(fn).toHaveBeenCalledWith(7);
    expect(errors).toHaveLength(1);
  });

  it('without an error callback, reports a listener that throws to the unexpected-error handler, until it is put back', () => {
    const reported: Array<{ what: string; error: unknown }> = [];
    const restore = setUnexpectedErrorHandler((what, error) => reported.push({ what, error }));
    const emitter = new Emitter<number>();
    const broken = new Error('broken');
    emitter.event(() => {
      throw broken;
    });
    emitter.fire(1);
    restore();
    const inner: unknown[] = [];
    const restoreInner = setUnexpectedErrorHandler((_what, error) => inner.push(error));
    emitter.fire(2);
    restoreInner();
    expect(reported).toEqual([{ what: 'an event listener threw', error: broken }]);
    expect(inner).toEqual([broken]);
  });

  it('the same function subscribed twice is called twice and unsubscribed one at a time', () => {
    const emitter = new Emitter<number>();
    const fn = vi.fn();
    const a = emitter.event(fn);
    emitter.event(fn);
    emitter.fire(1);
    expect(fn).toHaveBeenCalledTimes(2);
    void a.dispose();
    emitter.fire(2);
    expect(fn).toHaveBeenCalledTimes(3);
  });

  it('a listener removed by an earlier listener during fire is not called', () => {
    const emitter = new Emitter<number>();
    const late = vi.fn();
    // eslint-disable-next-line prefer-const
    let lateSub: { dispose(): unknown };
    emitter.event(() => void lateSub.dispose());
    lateSub = emitter.event(late);
    emitter.fire(1);
    expect(late).not.toHaveBeenCalled();
  });

  it('drops every listener on dispose and ignores later subscriptions', () => {
    const emitter = new Emitter<number>();
    const fn = vi.fn();
    emitter.event(fn);
    emitter.dispose();
    emitter.event(fn);
    emitter.fire(1);
    expect(fn).not.toHaveBeenCalled();
    expect(emitter.listenerCount).toBe(0);
  });
});

describe('liveEventListeners', () => {
  it('counts subscriptions until they are disposed or their emitter is', () => {
    const before = liveEventListeners();
    const a = new Emitter<number>();
    const b = new Emitter<number>();
    const sub = a.event(() => undefined);
    b.event(() => undefined);
    b.event(() => undefined);
    expect(liveEventListeners() - before).toBe(3);
    void sub.dispose();
    void sub.dispose();
    expect(liveEventListeners() - before).toBe(2);
    b.dispose();
    expect(liveEventListeners()).toBe(before);
  });
});

describe('Events', () => {
  it('map, filter and any derive events that unsubscribe from their sources', () => {
    const a = new Emitter<number>();
    const b = new Emitter<number>();
    const seen: string[] = [];
    const sub = Events.map(Events.filter(Events.any(a.event, b.event), (v) => v > 1), (v) => `v${v}`)((s) => seen.push(s));
    a.fire(1);
    a.fire(2);
    b.fire(3);
    void sub.dispose();
    a.fire(4);
    expect(seen).toEqual(['v2', 'v3']);
    expect(a.listenerCount + b.listenerCount).toBe(0);
  });
});
