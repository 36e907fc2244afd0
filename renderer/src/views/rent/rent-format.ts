import { nodeCostForIncrement, nodeCostForTime } from '../../../../common/hub/base-units';
import type { LeaseEndReason, LeaseState, LeaseView, NodeState } from '../../../../common/hub/lease-types';
import type { StatusTone } from '../../components/status-pill';

/** Words and tones for the renter's lease and node states. */

export const LEASE_STATE_LABEL: Record<LeaseState, string> = {
  reserved: 'Reserved',
  paid: 'Paid',
  starting: 'Starting',
  running: 'Running',
  ended: 'Ended',
};

export const END_REASON_LABEL: Record<LeaseEndReason, string> = {
  completed: 'completed',
  terminated: 'terminated',
  unpaid: 'unpaid',
  'supplier-lost': 'supplier lost',
  failed: 'failed',
};

export function leaseTone(state: LeaseState, endReason: LeaseEndReason | null): StatusTone {
  if (state === 'running') return 'ok';
  if (state === 'ended') return endReason === 'completed' || endReason === 'terminated' ? 'neutral' : 'error';
  return 'info';
}

export function leaseStateText(state: LeaseState, endReason: LeaseEndReason | null): string {
  return state === 'ended' && endReason ? `Ended · ${END_REASON_LABEL[endReason]}` : LEASE_STATE_LABEL[state];
}

export const NODE_STATE_LABEL: Record<NodeState, string> = {
  assigned: 'Assigned',
  pulling: 'Pulling image',
  running: 'Running',
  exited: 'Exited',
  failed: 'Failed',
  stopped: 'Stopped',
};

export function nodeTone(state: NodeState): StatusTone {
  if (state === 'running') return 'ok';
  if (state === 'failed') return 'error';
  if (state === 'pulling' || state === 'assigned') return 'info';
  return 'neutral';
}

/** "4:59", "1:02:03", "expired": a count-down to `untilMs`. */
export function formatCountdown(untilMs: number, nowMs: number): string {
  const left = Math.ceil((untilMs - nowMs) / 1000);
  if (left <= 0) return 'now';
  const h = Math.floor(left / 3600);
  const m = Math.floor((left % 3600) / 60);
  const s = left % 60;
  const mm = h > 0 ? String(m).padStart(2, '0') : String(m);
  return `${h > 0 ? `${h}:` : ''}${mm}:${String(s).padStart(2, '0')}`;
}

/** "lease-7f…d0e4": enough to tell leases apart, with the full id in a tooltip. */
export function shortLeaseId(leaseId: string): string {
  return leaseId.length > 14 ? `${leaseId.slice(0, 8)}…${leaseId.slice(-4)}` : leaseId;
}

/** 16384 MiB → "16 GB" (GPU makers' round numbers). */
export function formatVram(mib: number): string {
  const gb = mib / 1024;
  return `${gb >= 10 ? Math.round(gb) : Math.round(gb * 10) / 10} GB`;
}

/**
 * What the whole cluster costs for one increment: the sum of what each node's GPUs cost
 * for the first (0-based wire index 0: the largest; a later one may be one base unit less,
 * so that the increments sum exactly to the lease's total).
 */
export function perIncrementCost(lease: Pick<LeaseView, 'placement' | 'incrementMs'>, index = 0): bigint {
  return lease.placement.nodes.reduce((sum, node) => sum + nodeIncrementCost(node, lease.incrementMs, index), 0n);
}

/** One node's increment: its GPUs plus internet egress where the job bought it (as the hub computes it). */
export function nodeIncrementCost(node: { pricePerGpuHour: string; gpuIds: string[]; egressPricePerHour?: string }, incrementMs: number, index = 0): bigint {
  return nodeCostForIncrement({ pricePerGpuHour: node.pricePerGpuHour, gpuCount: node.gpuIds.length, egressPricePerHour: node.egressPricePerHour }, incrementMs, index);
}

/** What `durationMs` of the whole cluster costs, rounded once (as the increments sum to). */
export function clusterCost(lease: Pick<LeaseView, 'placement'>, durationMs: number): bigint {
  return lease.placement.nodes.reduce((sum, node) => sum + nodeCostForTime({ pricePerGpuHour: node.pricePerGpuHour, gpuCount: node.gpuIds.length, egressPricePerHour: node.egressPricePerHour }, durationMs), 0n);
}

/**
 * What the time run so far cost, at the cluster's rate, from the start to now (or to the
 * end); 0 before it started. Payments run ahead of this: increments are paid up front.
 */
export function accruedCost(lease: LeaseView, nowMs: number): bigint {
  if (lease.startedAtMs === null) return 0n;
  const ended = lease.state === 'ended' ? ([...lease.transitions].reverse().find((t) => t.to === 'ended')?.atMs ?? nowMs) : nowMs;
  const ranMs = Math.max(0, Math.min(ended, nowMs) - lease.startedAtMs);
  const exact = clusterCost(lease, Math.floor(ranMs));
  // Ticking every second, the last digits only flicker: show it to 1/10,000 USDC.
  return exact - (exact % 100n);
}

/** The lease's end as paid for so far: start + paid increments, or the paid-through mark. */
export function leaseEndsAtMs(lease: LeaseView): number | null {
  if (lease.startedAtMs === null) return null;
  return lease.startedAtMs + lease.incrementCount * lease.incrementMs;
}

/**
 * The lease's planned end: when its booked increments run out (start + count × length);
 * before it starts, null (the card says "count × length after it starts").
 */
export function plannedEndMs(lease: Pick<LeaseView, 'startedAtMs' | 'incrementCount' | 'incrementMs'>): number | null {
  return lease.startedAtMs === null ? null : lease.startedAtMs + lease.incrementCount * lease.incrementMs;
}

/** What ending a lease now means for the renter's money, shown before Terminate is confirmed. */
export interface TerminationSummary {
  paid: bigint;
  /** The time run so far at the cluster's rate (never more than was paid). */
  used: bigint;
  /** Paid and not used: the suppliers owe it back (each machine refunds its unused paid time). */
  unused: bigint;
}

export function terminationSummary(lease: LeaseView, nowMs: number): TerminationSummary {
  const paid = BigInt(lease.paidSoFar);
  const ranMs = lease.startedAtMs === null ? 0 : Math.max(0, nowMs - lease.startedAtMs);
  const cost = clusterCost(lease, Math.floor(ranMs));
  const used = cost < paid ? cost : paid;
  return { paid, used, unused: paid - used };
}

/** What extending by `increments` adds: their exact cost (sums like the hub's) and the new planned end. */
export function extensionCost(lease: LeaseView, increments: number): { cost: bigint; plannedEndMs: number | null } {
  const from = lease.incrementCount * lease.incrementMs;
  const to = (lease.incrementCount + increments) * lease.incrementMs;
  const cost = clusterCost(lease, to) - clusterCost(lease, from);
  return { cost, plannedEndMs: lease.startedAtMs === null ? null : lease.startedAtMs + to };
}
