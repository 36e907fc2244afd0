import type { StoredLease } from '../store/hub-store';
import { hasStarted } from './lease-state-machine';
import { firstUnpaidIncrement, incrementDueAtMs, leaseEndMs } from './live-lease';

export type LeaseDue =
  | { kind: 'reservation-expired' }
  | { kind: 'completed' }
  | { kind: 'unpaid'; increment: number }
  | { kind: 'supplier-lost'; workerIds: string[] }
  | { kind: 'start-missed'; workerIds: string[] };

export interface DeadlineOptions {
  supplierLostGraceMs: number;
  /** How long after the payment (the paid period's start) every machine must be running. */
  startDeadlineMs: number;
}

/** What deadlines read of a lease. */
export type DeadlineLease = StoredLease & {
  lostSinceMs: ReadonlyMap<string, number>;
  /**
   * The lease does not end unpaid or expire before this time. Set for leases restored
   * after a hub restart to the restart plus the grace period: while the hub was down the
   * renter could not pay, so it gets a fair chance once the hub is back. 0 otherwise.
   */
  notBeforeMs: number;
  /** rank → since when that machine says its container engine is down (issue 19, item 5). */
  downNodes?: ReadonlyMap<number, number>;
};

/**
 * What, if anything, must happen to a lease at `nowMs`. Pure: the lease service applies
 * the result. A lease completes only when every increment was paid and used; one with an
 * unpaid increment ends unpaid (issue 19, item 9). Money questions come before machine questions.
 */
export function dueAction(lease: DeadlineLease, nowMs: number, options: DeadlineOptions): LeaseDue | null {
  if (lease.state === 'ended') return null;
  if (lease.state === 'reserved') {
    if (nowMs >= Math.max(lease.expiresAtMs, lease.notBeforeMs)) return { kind: 'reservation-expired' };
  } else if (hasStarted(lease.state)) {
    const endMs = leaseEndMs(lease);
    // Paid but not running within the bound: the machines that did not start failed the renter.
    if (lease.state !== 'running' && lease.startedAtMs !== null && nowMs >= Math.max(lease.startedAtMs + options.startDeadlineMs, lease.notBeforeMs)) {
      const late = lease.nodes.filter((n) => n.state !== 'running').map((n) => lease.placement.nodes[n.rank]!.workerId);
      if (late.length > 0) return { kind: 'start-missed', workerIds: [...new Set(late)].sort() };
    }
    const unpaid = firstUnpaidIncrement(lease);
    // While a machine is down the hub refuses payments: the renter cannot be late then.
    const down = (lease.downNodes?.size ?? 0) > 0;
    if (unpaid < lease.incrementCount && down) {
      // (no unpaid end; the machine's own deadline below)
    } else if (unpaid < lease.incrementCount) {
      // An increment never paid ends the lease "unpaid" — after its grace, or at the
      // lease's end when the grace outlasts it (a long grace, a hub restart near the
      // end): "completed" would say the renter paid for what ran.
      const due = incrementDueAtMs(lease, unpaid);
      const deadline = due === null ? null : Math.min(due + lease.graceMs, endMs ?? Number.POSITIVE_INFINITY);
      if (deadline !== null && nowMs >= Math.max(deadline, lease.notBeforeMs)) return { kind: 'unpaid', increment: unpaid };
    } else if (endMs !== null && nowMs >= endMs) {
      return { kind: 'completed' };
    }
  }
  const lost = [...lease.lostSinceMs].filter(([, sinceMs]) => nowMs - sinceMs >= options.supplierLostGraceMs).map(([id]) => id);
  // A machine down (its engine away) past the same grace is as good as lost: the supplier's doing.
  for (const [rank, sinceMs] of lease.downNodes ?? []) {
    const workerId = lease.placement.nodes[rank]?.workerId;
    if (workerId && nowMs - sinceMs >= options.supplierLostGraceMs && !lost.includes(workerId)) lost.push(workerId);
  }
  if (lost.length > 0) return { kind: 'supplier-lost', workerIds: lost.sort() };
  return null;
}
