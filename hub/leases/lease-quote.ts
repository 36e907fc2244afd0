import { formatAmount } from '../../common/money/amount-text';
import type { TokenUnit } from '../../common/money/token';
import { HubError } from '../../common/hub/hub-errors';
import type { ClusterRequest, NodeState, PlacementNode, Quote } from '../../common/hub/lease-types';
import type { ReservedNode } from '../placement/gang-placement';
import type { RandomBytes } from '../support/hub-clock';
import type { PayeeAmount } from './lease-pricing';
import { expectedPayments, sumAmounts } from './lease-pricing';
import type { LiveLease } from './live-lease';
import { incrementView, renterPlacement, toLive } from './live-lease';

/** The hub-wide lease terms a quote is made on. */
export interface QuoteTerms {
  /** The hub's payment token: every amount is its base units. */
  token: TokenUnit;
  mint: string;
  /** Named in every payment memo (common/money's hubIdOf of the sign-in domain). */
  hubId: string;
  incrementMs: number;
  graceMs: number;
  reservationTtlMs: number;
  maxIncrementsPerLease: number;
}

/**
 * Turning a placement into a quote: how many increments, the nodes by rank, the reserved
 * lease with every expected payment (a fresh reference per payee and increment), and what
 * the renter is told to pay.
 */
export function checkIncrementCount(count: number, terms: QuoteTerms): number {
  if (count > terms.maxIncrementsPerLease) {
    throw new HubError(
      'invalid_message',
      `That is ${count} increments of ${terms.incrementMs / 60_000} min; one lease holds at most ${terms.maxIncrementsPerLease}. Ask for a shorter lease and extend it later.`,
      'too_many_increments',
    );
  }
  return count;
}

/** As many whole increments as the budget buys, within every offer's lease limits. */
export function incrementsForBudget(budget: bigint, perIncrement: bigint, offers: ReadonlyArray<{ maxLeaseMs: number; minLeaseMs: number }>, terms: QuoteTerms): number {
  const { incrementMs } = terms;
  if (budget < perIncrement) {
    const text = (baseUnits: bigint) => formatAmount({ token: terms.token, baseUnits }, { grouping: false });
    throw new HubError('invalid_message', `This cluster costs ${text(perIncrement)} ${terms.token.symbol} per increment; a budget of ${text(budget)} does not buy one. Raise the budget or ask for fewer GPUs.`, 'budget_too_small');
  }
  const maxByOffers = Math.floor(Math.min(...offers.map((o) => o.maxLeaseMs)) / incrementMs);
  const count = Math.min(Number(budget / perIncrement), maxByOffers, terms.maxIncrementsPerLease);
  const minMs = Math.max(...offers.map((o) => o.minLeaseMs));
  if (count < 1 || count * incrementMs < minMs) {
    throw new HubError('no_capacity', `The machines found need leases between ${minMs} ms and ${maxByOffers * incrementMs} ms; this budget buys ${count * incrementMs} ms. Change the budget or give a duration.`, 'lease_length_out_of_range');
  }
  return count;
}

/** Rank 0 is the first (largest) block of the placement: it hosts the rendezvous. */
/** With `egress`, each node carries its offer's egress price (placement took only offers that sell it). */
export function placementNodes(reserved: readonly ReservedNode[], egress = false): PlacementNode[] {
  return reserved.map((r, rank) => ({
    rank,
    workerId: r.offer.workerId,
    offerId: r.offer.offerId,
    supplier: r.offer.supplier,
    gpuModel: r.offer.gpuModel,
    vramMiB: r.offer.vramMiB,
    gpuUuids: r.gpuUuids,
    pricePerGpuHour: r.offer.terms.pricePerGpuHour,
    ...(egress && r.offer.terms.egressPricePerHour != null ? { egressPricePerHour: r.offer.terms.egressPricePerHour } : {}),
    region: r.offer.region,
    interruptible: r.offer.interruptible,
  }));
}

export interface NewReservation {
  leaseId: string;
  renter: string;
  request: ClusterRequest;
  nodes: PlacementNode[];
  incrementCount: number;
  nowMs: number;
  terms: QuoteTerms;
  random: RandomBytes;
}

export function reservedLease(r: NewReservation): { lease: LiveLease; reason: string } {
  const reason = `${r.request.gpuCount} GPU(s) on ${r.nodes.length} machine(s) held until the first increment is paid`;
  const lease = toLive({
    leaseId: r.leaseId,
    renter: r.renter,
    state: 'reserved',
    endReason: null,
    createdAtMs: r.nowMs,
    expiresAtMs: r.nowMs + r.terms.reservationTtlMs,
    startedAtMs: null,
    endedAtMs: null,
    incrementMs: r.terms.incrementMs,
    incrementCount: r.incrementCount,
    graceMs: r.terms.graceMs,
    mint: r.terms.mint,
    request: r.request,
    placement: { nodes: r.nodes, gpuCount: r.request.gpuCount },
    nodes: r.nodes.map((n) => ({ rank: n.rank, workerId: n.workerId, state: 'assigned' as NodeState, message: null, updatedAtMs: r.nowMs })),
    payments: expectedPayments(r.terms.hubId, r.leaseId, 0, r.incrementCount, r.nodes, r.terms.incrementMs, r.random).map((p) => ({ ...p, signature: null, paidAtMs: null, onTime: null })),
    transitions: [{ from: null, to: 'reserved', endReason: null, atMs: r.nowMs, reason }],
  });
  return { lease, reason };
}

/** `amounts`: the first increment's (the largest: later ones may be one base unit less); `total`: every increment's, exactly. */
export function quoteOf(lease: LiveLease, amounts: readonly PayeeAmount[], token: TokenUnit): Quote {
  const perIncrementTotal = sumAmounts(amounts);
  const total = lease.payments.reduce((sum, p) => sum + p.amount, 0n);
  return {
    leaseId: lease.leaseId,
    expiresAtMs: lease.expiresAtMs,
    token: token.symbol,
    mint: lease.mint,
    incrementMs: lease.incrementMs,
    incrementCount: lease.incrementCount,
    graceMs: lease.graceMs,
    placement: renterPlacement(lease.leaseId, lease.placement),
    perIncrement: { total: perIncrementTotal.toString(10), payments: amounts.map((a) => ({ payee: a.payee, amount: a.amount.toString(10) })) },
    total: total.toString(10),
    firstIncrement: incrementView(lease, 0),
  };
}
