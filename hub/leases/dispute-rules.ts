import type { LeaseEvidence } from '../store/hub-store';

export type DisputeOutcome =
  | { outcome: 'supplier-flagged'; why: string; workerIds: string[] }
  | { outcome: 'no-refund'; why: string }
  | { outcome: 'refunded'; why: string }
  | { outcome: 'needs-review'; why: string };

/** What a rule reads of a lease besides its evidence. */
export interface DisputedLease {
  endReason: string | null;
  /** Transition reasons, in order. */
  reasons: readonly string[];
}

/**
 * Settles the common disputes by rule, from the hub's evidence only (issue 13):
 *
 *   - a machine vanished or failed on the supplier's side and a refund it owed was not
 *     paid (evidence `refund-owed` without a matching `refund`, or `refund-missed`) →
 *     the supplier is flagged;
 *   - it owed a refund and paid it → refunded, nothing more to do;
 *   - the renter's job exited non-zero on a healthy node (the node reported it, the
 *     supplier did not cause it) → no refund: the job's own failure;
 *   - anything else → needs a person, with the evidence file.
 */
export function settleDispute(lease: DisputedLease, evidence: readonly LeaseEvidence[]): DisputeOutcome {
  const owed = evidence.filter((e) => e.kind === 'refund-owed');
  const missed = evidence.filter((e) => e.kind === 'refund-missed');
  const paid = new Set(evidence.filter((e) => e.kind === 'refund').map((e) => e.workerId));
  const unpaid = [...new Set([...missed.map((e) => e.workerId), ...owed.filter((e) => !paid.has(e.workerId)).map((e) => e.workerId)])].filter((w): w is string => w !== null);
  if (unpaid.length > 0) {
    return { outcome: 'supplier-flagged', workerIds: unpaid.sort(), why: `Machine(s) ${unpaid.join(', ')} ended the lease on the supplier's side and did not refund the unused paid time.` };
  }
  if (owed.length > 0) return { outcome: 'refunded', why: 'The supplier ended the lease early and refunded the unused paid time on chain.' };
  const jobFailed = evidence.some((e) => e.kind === 'node' && e.body.state === 'failed' && e.body.cause !== 'supplier' && typeof e.body.message === 'string' && /exit|code/i.test(e.body.message));
  if (lease.endReason === 'failed' && jobFailed) {
    return { outcome: 'no-refund', why: "The renter's job exited with an error on a healthy machine; the machine served the time it was paid for." };
  }
  return { outcome: 'needs-review', why: 'No rule settles this lease: download the evidence and take it up with the supplier.' };
}
