import { SequencerByKey } from '../../../common/async';

/**
 * One thing at a time per lease (payments, stops, thermal actions), in arrival order: the
 * hub's messages, the paid-through clock and the thermal guard all act on the same lease
 * row and job, and must not interleave. A failed step is logged and does not block the next.
 */
export class LeaseWorkQueue {
  private readonly perLease = new SequencerByKey<string>();

  constructor(private readonly logError: (message: string, error: unknown) => void) {}

  /** Queues `fn` behind the lease's earlier work; resolves when it ran (a failure is logged, not thrown). */
  run(leaseId: string, fn: () => Promise<void>): Promise<void> {
    return this.perLease.queue(leaseId, fn).catch((error: unknown) => this.logError(`[supplier] lease ${leaseId}`, error));
  }

  /** Resolves when every lease's queued work is done. */
  idle(): Promise<void> {
    return this.perLease.idle();
  }
}
