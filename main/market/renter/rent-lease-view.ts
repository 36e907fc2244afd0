import type { LeaseIncrement, LeaseView } from '../../../common/hub/lease-types';
import type { AutoPayState, RentLease } from '../../../common/market/rent-types';

export type RentLogLine = RentLease['logs'][number];

/** The first increment with a supplier still unpaid, and what it still costs. */
export function nextUnpaid(lease: LeaseView): { increment: LeaseIncrement; amount: bigint } | null {
  if (lease.state === 'ended') return null;
  for (const increment of [...lease.increments].sort((a, b) => a.index - b.index)) {
    const unpaid = increment.payments.filter((p) => p.signature === null);
    if (unpaid.length > 0) return { increment, amount: unpaid.reduce((sum, p) => sum + BigInt(p.amount), 0n) };
  }
  return null;
}

/** When increment k is due: the reservation deadline for 0, its start for later ones. */
export function dueAtMs(lease: LeaseView, increment: LeaseIncrement): number | null {
  if (increment.dueAtMs !== null) return increment.dueAtMs;
  if (increment.index === 0) return lease.expiresAtMs;
  return lease.startedAtMs === null ? null : lease.startedAtMs + increment.index * lease.incrementMs;
}

/**
 * Plain words for how a lease ended or what is wrong with it, for the lease view.
 * `autoPayNote` is the renter client's own trouble (a spent budget, a failed auto-payment).
 */
export function leaseProblem(lease: LeaseView, autoPayNote: string | null): string | null {
  const failedNode = lease.nodes.find((n) => n.state === 'failed');
  const failedCheck = lease.startedAtMs === null ? (lease.attestation ?? []).filter((a) => a.state === 'failed') : [];
  if (failedCheck.length > 0) {
    return `Nothing was paid: ${failedCheck.map((a) => `machine ${a.rank} failed its GPU check (${a.message ?? a.reason ?? 'no reason given'})`).join('; ')}.`;
  }
  const last = [...lease.transitions].reverse().find((t) => t.to === 'ended');
  if (lease.state === 'ended') {
    switch (lease.endReason) {
      case 'unpaid':
        return lease.startedAtMs === null
          ? 'The quote was not paid in time, so the GPUs went back to the market. Ask for a new quote.'
          : `The lease ended unpaid: ${last?.reason ?? 'an increment was not paid in time'}. The suppliers stopped the job. Rent again, and pay each increment before it is due or turn on auto-pay with a budget.`;
      case 'supplier-lost':
        return `A supplier's machine stopped answering for longer than the grace period, so the hub ended the lease${last?.reason ? ` (${last.reason})` : ''}. Rent again to continue on other machines.`;
      case 'failed':
        return failedNode
          ? `The job failed on node ${failedNode.rank}: ${failedNode.message ?? 'no message'}. Check its logs, fix the image or command, and rent again.`
          : `The lease failed: ${last?.reason ?? 'no reason given'}. Check the logs and rent again.`;
      default:
        // A reservation let go before it started (a failed GPU check): this app's own words on why.
        return lease.startedAtMs === null ? autoPayNote : null;
    }
  }
  if (failedNode) return `Node ${failedNode.rank} failed: ${failedNode.message ?? 'no message'}.`;
  return autoPayNote;
}

export function rentLeaseOf(lease: LeaseView, autoPay: AutoPayState, logs: RentLogLine[], autoPayNote: string | null, nodeNotes: NonNullable<RentLease['nodeNotes']> = []): RentLease {
  const next = nextUnpaid(lease);
  return {
    ...(nodeNotes.length > 0 ? { nodeNotes } : {}),
    lease,
    autoPay,
    logs,
    nextDue: next ? { increment: next.increment.index, dueAtMs: dueAtMs(lease, next.increment), amount: next.amount.toString() } : null,
    problem: leaseProblem(lease, autoPayNote),
  };
}
