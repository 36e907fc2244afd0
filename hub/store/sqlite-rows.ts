import type { LeaseEndReason, LeaseState, NodeState } from '../../common/hub/lease-types';
import type { StoredLease, StoredWorker, WorkerFacts } from './hub-store';

/** Rows of hub.db as better-sqlite3 returns them (snake_case), and their mapping to the store's types. */
export interface SessionRow {
  token_hash: string;
  address: string;
  audience: 'renter' | 'worker';
  created_at_ms: number;
  expires_at_ms: number;
}

export interface WorkerRow {
  worker_id: string;
  owner: string;
  machine_id: string;
  hardware_json: string;
  region: string;
  advertised_host: string | null;
  first_seen_ms: number;
  last_seen_ms: number;
  online_ms: number;
}

export interface OfferRow {
  offer_id: string;
  worker_id: string;
  gpu_model: string;
  vram_mib: number;
  terms_json: string;
  created_at_ms: number;
  updated_at_ms: number;
}

export interface LeaseRow {
  lease_id: string;
  renter: string;
  state: string;
  end_reason: string | null;
  created_at_ms: number;
  expires_at_ms: number;
  started_at_ms: number | null;
  ended_at_ms: number | null;
  increment_ms: number;
  increment_count: number;
  grace_ms: number;
  mint: string;
  request_json: string;
  placement_json: string;
}

export interface NodeRow {
  rank: number;
  worker_id: string;
  state: string;
  message: string | null;
  updated_at_ms: number;
}

export interface PaymentRow {
  increment: number;
  payee: string;
  amount: string;
  reference: string;
  memo: string;
  signature: string | null;
  paid_at_ms: number | null;
  on_time: number | null;
}

export interface TransitionRow {
  from_state: string | null;
  to_state: string;
  end_reason: string | null;
  at_ms: number;
  reason: string;
}

export interface RecentPaymentRow {
  signature: string;
  lease_id: string;
  increment: number;
  payee: string;
  amount: string;
  paid_at_ms: number;
  renter: string;
}

export interface WorkerFactsRow {
  worker_id: string;
  leases_completed: number;
  leases_ended_by_supplier: number;
  hardware_checks_passed: number;
  hardware_checks_total: number;
  attestations_passed: number;
  attestations_failed: number;
  refunds_missed: number;
}

export interface RenterFactsRow {
  increments_on_time: number;
  increments_late: number;
  increments_missed: number;
  reservations_expired: number;
}

export function workerFromRow(r: WorkerRow): StoredWorker {
  return {
    workerId: r.worker_id,
    owner: r.owner,
    machineId: r.machine_id,
    hardware: JSON.parse(r.hardware_json),
    region: r.region,
    advertisedHost: r.advertised_host,
    firstSeenMs: r.first_seen_ms,
    lastSeenMs: r.last_seen_ms,
    onlineMs: r.online_ms,
  };
}

export function workerFactsFromRow(r: WorkerFactsRow): WorkerFacts {
  return {
    workerId: r.worker_id,
    leasesCompleted: r.leases_completed,
    leasesEndedBySupplier: r.leases_ended_by_supplier,
    hardwareChecksPassed: r.hardware_checks_passed,
    hardwareChecksTotal: r.hardware_checks_total,
    attestationsPassed: r.attestations_passed,
    attestationsFailed: r.attestations_failed,
    refundsMissed: r.refunds_missed,
  };
}

/** A lease as the store returns it, from its row and the rows of its nodes, payments and transitions. */
export function leaseFromRows(row: LeaseRow, nodeRows: readonly NodeRow[], paymentRows: readonly PaymentRow[], transitionRows: readonly TransitionRow[]): StoredLease {
  const nodes = nodeRows.map((n) => ({
    rank: n.rank,
    workerId: n.worker_id,
    state: n.state as NodeState,
    message: n.message,
    updatedAtMs: n.updated_at_ms,
  }));
  const payments = paymentRows.map((p) => ({
    increment: p.increment,
    payee: p.payee,
    amount: BigInt(p.amount),
    reference: p.reference,
    memo: p.memo,
    signature: p.signature,
    paidAtMs: p.paid_at_ms,
    onTime: p.on_time === null ? null : p.on_time === 1,
  }));
  const transitions = transitionRows.map((t) => ({
    from: t.from_state as LeaseState | null,
    to: t.to_state as LeaseState,
    endReason: t.end_reason as LeaseEndReason | null,
    atMs: t.at_ms,
    reason: t.reason,
  }));
  return {
    leaseId: row.lease_id,
    renter: row.renter,
    state: row.state as LeaseState,
    endReason: row.end_reason as LeaseEndReason | null,
    createdAtMs: row.created_at_ms,
    expiresAtMs: row.expires_at_ms,
    startedAtMs: row.started_at_ms,
    endedAtMs: row.ended_at_ms,
    incrementMs: row.increment_ms,
    incrementCount: row.increment_count,
    graceMs: row.grace_ms,
    mint: row.mint,
    request: JSON.parse(row.request_json),
    placement: JSON.parse(row.placement_json),
    nodes,
    payments,
    transitions,
  };
}
