import { describe, expect, it } from 'vitest';
import { Sequencer, SequencerByKey } from './async';

function deferred<T = void>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const tick = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

describe('SequencerByKey', () => {
  it('runs the tasks of one key one at a time, in order', async () => {
    const seq = new SequencerByKey<string>();
    const log: string[] = [];
    const first = deferred();
    const a = seq.queue('lease-1', async () => {
      log.push('a start');
      await first.promise;
      log.push('a end');
      return 'a';
    });
    const b = seq.queue('lease-1', () => {
      log.push('b');
      return 'b';
    });
    await tick();
    expect(log).toEqual(['a start']);
    expect(seq.size('lease-1')).toBe(2);
    first.resolve();
    expect(await a).toBe('a');
    expect(await b).toBe('b');
    expect(log).toEqual(['a start', 'a end', 'b']);
  });

  it('runs different keys side by side', async () => {
    const seq = new SequencerByKey<string>();
    const blocker = deferred();
    const log: string[] = [];
    void seq.queue('x', () => blocker.promise);
    await seq.queue('y', () => log.push('y ran'));
    expect(log).toEqual(['y ran']);
    expect(seq.isBusy('x')).toBe(true);
    expect(seq.isBusy('y')).toBe(false);
    blocker.resolve();
    await seq.idle();
    expect(seq.isBusy('x')).toBe(false);
  });

  it('a failing task rejects its own promise and does not block the next', async () => {
    const seq = new SequencerByKey<string>();
    const failed = seq.queue('k', () => {
      throw new Error('no');
    });
    const asyncFailed = seq.queue('k', async () => Promise.reject(new Error('later no')));
    const next = seq.queue('k', () => 'ran');
    await expect(failed).rejects.toThrow('no');
    await expect(asyncFailed).rejects.toThrow('later no');
    expect(await next).toBe('ran');
    expect(seq.keys()).toEqual([]);
  });

  it('idle waits for every queue, including tasks queued while it waits', async () => {
    const seq = new SequencerByKey<number>();
    const log: string[] = [];
    const gate = deferred();
    void seq.queue(1, async () => {
      await gate.promise;
      log.push('1');
      void seq.queue(2, async () => {
        await tick();
        log.push('2');
      });
    });
    let idle = false;
    const waiting = seq.idle().then(() => (idle = true));
    await tick();
    expect(idle).toBe(false);
    gate.resolve();
    await waiting;
    expect(log).toEqual(['1', '2']);
    expect(seq.keys()).toEqual([]);
    await seq.idle(); // idle when idle resolves at once
  });

  it('idle of one key ignores the other keys', async () => {
    const seq = new SequencerByKey<string>();
    const never = deferred();
    void seq.queue('stuck', () => never.promise);
    await seq.queue('quick', () => undefined);
    await seq.idle('quick');
    expect(seq.isBusy('stuck')).toBe(true);
    never.resolve();
    await seq.idle('stuck');
  });

  it('forgets a key once its queue is empty (no map that only grows)', async () => {
    const seq = new SequencerByKey<string>();
    for (let i = 0; i < 100; i++) await seq.queue(`lease-${i}`, () => i);
    expect(seq.keys()).toEqual([]);
  });
});

describe('Sequencer', () => {
  it('is one queue', async () => {
    const seq = new Sequencer();
    const order: number[] = [];
    const gate = deferred();
    const a = seq.queue(async () => {
      await gate.promise;
      order.push(1);
    });
    const b = seq.queue(() => order.push(2));
    expect(seq.size).toBe(2);
    gate.resolve();
    await Promise.all([a, b]);
    expect(order).toEqual([1, 2]);
    expect(seq.isBusy).toBe(false);
  });
});
