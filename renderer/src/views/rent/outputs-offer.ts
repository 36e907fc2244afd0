import { incrementNumber } from '../../../../common/market/increment-number';
import type { RentLease } from '../../../../common/market/rent-types';

/**
 * Whether the lease view offers to download each node's /outputs, warns that they were not
 * downloaded, or says nothing. Outputs are deleted with the lease's containers, so the app
 * asks before the end it can see coming, not only on Terminate:
 * - the last paid increment is running and nothing will pay the next (auto-pay off, its
 *   budget or the daily cap short of it, or no increment left to pay: the lease completes);
 * - an increment is overdue, so the hub ends the lease as unpaid once its grace runs out.
 * After the end, a lease that ran and whose outputs this app did not download is warned about.
 */
export type OutputsOffer =
  | { kind: 'none' }
  | { kind: 'offer'; why: string; endsAtMs: number | null }
  | { kind: 'warn'; why: string };

export function outputsOffer(rentLease: Pick<RentLease, 'lease' | 'autoPay' | 'nextDue'>, nowMs: number, downloaded: boolean): OutputsOffer {
  const { lease, autoPay, nextDue } = rentLease;
  // Never started: no container ever ran, so there are no outputs.
  if (lease.startedAtMs === null) return { kind: 'none' };
  if (lease.state === 'ended') {
    return downloaded ? { kind: 'none' } : { kind: 'warn', why: "Outputs not downloaded: each node's /outputs was deleted when the lease ended." };
  }
  if (lease.paidThroughMs === null) return { kind: 'none' };
  if (nextDue !== null && nextDue.dueAtMs !== null && nowMs >= nextDue.dueAtMs) {
    return { kind: 'offer', why: `Increment ${incrementNumber(nextDue.increment)} is not paid and was due: the hub ends the lease as unpaid when its grace runs out.`, endsAtMs: nextDue.dueAtMs + lease.graceMs };
  }
  const inLastPaid = nowMs >= lease.paidThroughMs - lease.incrementMs;
  if (!inLastPaid) return { kind: 'none' };
  if (nextDue === null) return { kind: 'offer', why: 'The last increment is running: the lease ends when it does.', endsAtMs: lease.paidThroughMs };
  const uncovered = autoPayShortfall(autoPay, BigInt(nextDue.amount));
  if (uncovered === null) return { kind: 'none' };
  return { kind: 'offer', why: `The last paid increment is running and ${uncovered}: unless you pay the next one, the lease ends.`, endsAtMs: lease.paidThroughMs + lease.graceMs };
}

/** Why auto-pay will not pay an increment of `amount`, or null when it will. */
function autoPayShortfall(autoPay: RentLease['autoPay'], amount: bigint): string | null {
  if (!autoPay.enabled) return 'auto-pay is off';
  if (BigInt(autoPay.limit) - BigInt(autoPay.spent) < amount) return "auto-pay's budget for this lease does not cover the next increment";
  if (autoPay.dayCap !== undefined && autoPay.dayPaid !== undefined && BigInt(autoPay.dayCap) - BigInt(autoPay.dayPaid) < amount) return "auto-pay's daily cap does not cover the next increment";
  return null;
}
