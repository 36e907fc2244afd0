/**
 * Runs tasks one at a time per key, in the order they were queued; tasks of different
 * keys run side by side. A task that fails rejects its own promise only: the next task
 * of the key still runs. This replaces the promise chains (`this.queue = this.queue.then(…)`)
 * that each service used to write for itself, and the mistakes they invite (a rejected
 * link that blocks the queue forever, a map of chains that never shrinks).
 */
export class SequencerByKey<K> {
  /** The tail of each key's queue and how many tasks it holds (running or waiting). */
  private readonly queues = new Map<K, { tail: Promise<unknown>; size: number }>();
  private idleWaiters: Array<() => void> = [];

  /** Queues `task` behind the key's earlier tasks; resolves or rejects as the task does. */
  queue<T>(key: K, task: () => T | Promise<T>): Promise<T> {
    const entry = this.queues.get(key) ?? { tail: Promise.resolve(), size: 0 };
    entry.size += 1;
    const run = entry.tail.then(
      () => task(),
      () => task(),
    );
    entry.tail = run.then(
      () => this.settled(key, entry),
      () => this.settled(key, entry),
    );
    this.queues.set(key, entry);
    return run;
  }

  /** Whether the key has a task running or waiting. */
  isBusy(key: K): boolean {
    return this.queues.has(key);
  }

  /** Tasks of `key` running or waiting (0 when idle). */
  size(key: K): number {
    return this.queues.get(key)?.size ?? 0;
  }

  /** Keys with work now. */
  keys(): K[] {
    return [...this.queues.keys()];
  }

  /**
   * Resolves when every queue is empty, including tasks queued while waiting (a service's
   * dispose waits for what it started). With a key: when that key's queue is empty.
   */
  async idle(key?: K): Promise<void> {
    if (key !== undefined) {
      while (this.queues.has(key)) await this.queues.get(key)!.tail;
      return;
    }
    if (this.queues.size === 0) return;
    await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  private settled(key: K, entry: { size: number }): void {
    entry.size -= 1;
    if (entry.size > 0 || this.queues.get(key) !== entry) return;
    this.queues.delete(key);
    if (this.queues.size > 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}

/** One queue: tasks run one at a time, in order (a `SequencerByKey` with a single key). */
export class Sequencer {
  private readonly byKey = new SequencerByKey<0>();

  queue<T>(task: () => T | Promise<T>): Promise<T> {
    return this.byKey.queue(0, task);
  }

  get isBusy(): boolean {
    return this.byKey.isBusy(0);
  }

  /** Tasks running or waiting. */
  get size(): number {
    return this.byKey.size(0);
  }

  idle(): Promise<void> {
    return this.byKey.idle();
  }
}
