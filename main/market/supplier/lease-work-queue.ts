/**
 * One thing at a time per lease (payments, stops, thermal actions), in arrival order: the
 * hub's messages, the paid-through clock and the thermal guard all act on the same lease
 * row and job, and must not interleave. A failed step is logged and does not block the next.
 */
export class LeaseWorkQueue {
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(private readonly logError: (message: string, error: unknown) => void) {}

  run(leaseId: string, fn: () => Promise<void>): Promise<void> {
    const previous = this.queues.get(leaseId) ?? Promise.resolve();
    const run = previous.then(fn).catch((error: unknown) => this.logError(`[supplier] lease ${leaseId}`, error));
    this.queues.set(leaseId, run);
    void run.then(() => {
      if (this.queues.get(leaseId) === run) this.queues.delete(leaseId);
    });
    return run;
  }

  /** Resolves when every lease's queued work is done. */
  async idle(): Promise<void> {
    await Promise.all([...this.queues.values()]);
  }
}
