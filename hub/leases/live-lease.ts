import type { TokenUnit } from '../../common/money/token';
import type { GangPlacement, IncrementPayment, LeaseIncrement, LeaseView, NodeAttestationStatus, RenterPlacement } from '../../common/hub/lease-types';
import type { WorkerLease } from '../../common/hub/worker-messages';
import type { StoredLease, StoredPayment } from '../store/hub-store';

/**
 * An active lease in memory: the stored lease (kept in step with the store) plus what only
 * matters while it runs — when each machine was lost, and the last log lines for a renter
 * who subscribes late.
 */
export interface LiveLease extends StoredLease {
  /** workerId → when the hub lost it (socket closed or heartbeats stopped). */
  lostSinceMs: Map<string, number>;
  logTail: Array<{ rank: number; stream: 'stdout' | 'stderr'; text: string; atMs: number }>;
  /** Node failures the supplier's side caused (stopped by the owner), for reputation. */
  supplierCaused: Set<string>;
  /** rank → since when that machine says its container engine is down (memory only: a restarted hub hears it again). */
  downNodes: Map<number, number>;
  /** No unpaid end before this (a grace period after a hub restart); 0 for leases made since. */
  notBeforeMs: number;
  /** The address the quote came from (memory only: limits reservations per address). */
  remoteHost?: string;
  /**
   * While reserved: each node's GPU check, by rank (memory only: after a hub restart a
   * reserved lease's nodes attest again). `challenged`: ranks the hub relayed a challenge
   * to, so an outcome is recorded only for a check that really ran.
   */
  attestation?: NodeAttestationStatus[];
  challenged?: Set<number>;
}

export const LOG_TAIL_CHUNKS = 100;

export function toLive(stored: StoredLease): LiveLease {
  return { ...stored, lostSinceMs: new Map(), logTail: [], supplierCaused: new Set(), notBeforeMs: 0, downNodes: new Map() };
}

export function paymentsOf(lease: StoredLease, increment: number): StoredPayment[] {
  return lease.payments.filter((p) => p.increment === increment);
}

export function isIncrementPaid(lease: StoredLease, increment: number): boolean {
  const payments = paymentsOf(lease, increment);
  return payments.length > 0 && payments.every((p) => p.signature !== null);
}

/** The first increment not fully paid, or incrementCount when all are. */
export function firstUnpaidIncrement(lease: StoredLease): number {
  for (let k = 0; k < lease.incrementCount; k++) if (!isIncrementPaid(lease, k)) return k;
  return lease.incrementCount;
}

export function paidThroughMs(lease: StoredLease): number | null {
  if (lease.startedAtMs === null) return null;
  return lease.startedAtMs + firstUnpaidIncrement(lease) * lease.incrementMs;
}

/** When increment k must be paid: the reservation deadline for 0, the start of its period after that. */
export function incrementDueAtMs(lease: StoredLease, increment: number): number | null {
  if (increment === 0) return lease.expiresAtMs;
  return lease.startedAtMs === null ? null : lease.startedAtMs + increment * lease.incrementMs;
}

export function leaseEndMs(lease: StoredLease): number | null {
  return lease.startedAtMs === null ? null : lease.startedAtMs + lease.incrementCount * lease.incrementMs;
}

function wirePayment(p: StoredPayment): IncrementPayment {
  return { payee: p.payee, amount: p.amount.toString(10), reference: p.reference, memo: p.memo, signature: p.signature, paidAtMs: p.paidAtMs };
}

export function incrementView(lease: StoredLease, increment: number): LeaseIncrement {
  return { index: increment, dueAtMs: incrementDueAtMs(lease, increment), payments: paymentsOf(lease, increment).map(wirePayment) };
}

/**
 * The placement as a renter sees it: each GPU by an id made from the lease and its place in
 * the cluster (`<leaseId>.<rank>.<n>`), so it says nothing about the GPU's UUID and differs
 * between leases of the same GPU.
 */
export function renterPlacement(leaseId: string, placement: GangPlacement): RenterPlacement {
  return {
    gpuCount: placement.gpuCount,
    nodes: placement.nodes.map(({ gpuUuids, ...node }) => ({ ...node, gpuIds: gpuUuids.map((_, i) => `${leaseId}.${node.rank}.${i}`) })),
  };
}

/** The renter's view of a lease; `token` is the hub's payment token (the lease's `mint` is a mint of it). */
export function toLeaseView(lease: StoredLease, token: TokenUnit): LeaseView {
  let paid = 0n;
  for (const p of lease.payments) if (p.signature !== null) paid += p.amount;
  return {
    leaseId: lease.leaseId,
    renter: lease.renter,
    state: lease.state,
    endReason: lease.endReason,
    createdAtMs: lease.createdAtMs,
    expiresAtMs: lease.expiresAtMs,
    startedAtMs: lease.startedAtMs,
    paidThroughMs: paidThroughMs(lease),
    incrementMs: lease.incrementMs,
    incrementCount: lease.incrementCount,
    graceMs: lease.graceMs,
    token: token.symbol,
    mint: lease.mint,
    job: lease.request.job,
    placement: renterPlacement(lease.leaseId, lease.placement),
    nodes: lease.nodes.map((n) => {
      const downSinceMs = 'downNodes' in lease ? (lease as LiveLease).downNodes.get(n.rank) : undefined;
      return downSinceMs === undefined ? { ...n } : { ...n, downSinceMs };
    }),
    increments: Array.from({ length: lease.incrementCount }, (_, k) => incrementView(lease, k)),
    transitions: lease.transitions.map((t) => ({ ...t })),
    paidSoFar: paid.toString(10),
    ...((lease as Partial<LiveLease>).attestation ? { attestation: (lease as LiveLease).attestation!.map((a) => ({ ...a })) } : {}),
  };
}

/** The lease as the worker of `rank` sees it. `hostOf` gives each peer's reachable address. */
export function toWorkerLease(lease: StoredLease, rank: number, hostOf: (workerId: string) => string): WorkerLease {
  const node = lease.placement.nodes[rank]!;
  const peers = lease.placement.nodes.map((n) => ({ rank: n.rank, workerId: n.workerId, host: hostOf(n.workerId), supplier: n.supplier }));
  return {
    leaseId: lease.leaseId,
    state: lease.state,
    renter: lease.renter,
    rank,
    worldSize: lease.placement.nodes.length,
    gpuUuids: node.gpuUuids,
    job: lease.request.job,
    peers,
    masterAddr: peers[0]!.host,
    masterPort: lease.request.job.masterPort,
    incrementMs: lease.incrementMs,
    graceMs: lease.graceMs,
    incrementCount: lease.incrementCount,
    startedAtMs: lease.startedAtMs,
    paidThroughMs: paidThroughMs(lease),
    mint: lease.mint,
    pricePerGpuHour: node.pricePerGpuHour,
    ...(node.egressPricePerHour !== undefined ? { egressPricePerHour: node.egressPricePerHour } : {}),
    payments: lease.payments
      .filter((p) => p.payee === node.supplier)
      .map((p) => ({ increment: p.increment, amount: p.amount.toString(10), reference: p.reference, memo: p.memo, signature: p.signature })),
  };
}
