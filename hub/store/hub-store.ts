import type { SessionAudience } from '../../common/hub/sign-in-message';
import type { ClusterRequest, GangPlacement, LeaseEndReason, LeaseNodeStatus, LeaseState, LeaseTransition, NodeState } from '../../common/hub/lease-types';
import type { OfferTerms, WorkerHardware } from '../../common/hub/market-types';
import { HubError } from '../../common/hub/hub-errors';

/**
 * What the hub keeps durably. Every method is async so a PostgreSQL implementation (for
 * several hub instances behind one database) can follow behind the same interface; the
 * SQLite implementation does its work synchronously inside.
 *
 * Guarantees each implementation must keep (hub/store/conformance/ tests every one of them;
 * run it with a factory for a new store, as hub-store.conformance.test.ts does for SQLite):
 * - `creditPayment` credits a signature at most once, ever (a unique key, not a lookup
 *   followed by an insert), and updates the volume total and the renter's on-time or late
 *   count in the same transaction. A refused credit (duplicate, already paid, unknown)
 *   changes nothing and does not use up its signature.
 * - `transitionLease` is a compare-and-set on the lease's state: it returns false and
 *   changes nothing when the lease is no longer in `from` (another instance moved it).
 *   The transition record and the end facts are written with the state, and only when it
 *   moved. Ended is final: no change leaves 'ended', whatever its `from` says.
 * - `createLease` and `extendLease` are all or nothing: a call that throws leaves no row
 *   of the lease, its nodes, payments or transitions behind.
 * - A GPU (worker id, GPU uuid) is held by at most one lease that has not ended: a
 *   `createLease` that places a held GPU throws `GpuHeldError` and writes nothing (a unique
 *   key, so two hub instances placing the same GPU at once cannot both win), naming in
 *   `held` each of its GPUs another lease holds and that lease. The lease's
 *   GPUs are free again in the transition that ends it.
 * - Money and lease rows are on disk when the promise resolves (SQLite: synchronous=FULL),
 *   and from then on every read sees them: from this instance, another instance on the
 *   same storage, or a store opened on it after a restart.
 * - Amounts are exact: bigints of any size, never passed through a float.
 * - Lists come in a stated order only where a method says so; a lease's nodes are by rank,
 *   its payments by increment then payee, its transitions in the order they happened.
 */
/** A GPU UUID and the (owner, machine) it belongs to. */
export interface GpuBinding {
  gpuUuid: string;
  owner: string;
  machineId: string;
  boundAtMs: number;
}

export interface HubStore {
  // Sessions
  saveSession(session: StoredSession): Promise<void>;
  findSession(tokenHash: string): Promise<StoredSession | null>;
  /** Deletes one session (sign-out); true when it existed. */
  deleteSession(tokenHash: string): Promise<boolean>;
  /** Deletes the sessions with `expiresAtMs <= nowMs`; returns how many. */
  deleteExpiredSessions(nowMs: number): Promise<number>;

  // Workers and offers
  /**
   * The worker of (owner, machineId), created with `newWorkerId` if it is new; hardware,
   * region, host and last-seen time updated, first-seen and online time kept.
   */
  upsertWorker(input: WorkerUpsert): Promise<StoredWorker>;
  listWorkers(): Promise<StoredWorker[]>;
  /**
   * Adds online time and the last-seen time for many workers at once (flushed periodically,
   * not per heartbeat). The last-seen time never moves back.
   */
  recordPresence(entries: readonly PresenceEntry[]): Promise<void>;
  recordHardwareCheck(workerId: string, passed: boolean): Promise<void>;
  /**
   * Binds each UUID not bound yet to (owner, machineId) and returns every UUID's binding,
   * in the order given. The first binding wins, also between instances (a unique key).
   */
  bindGpus(owner: string, machineId: string, gpuUuids: readonly string[], atMs: number): Promise<GpuBinding[]>;
  /** Rebinds a UUID (its owner's session or signed release was checked by the caller). */
  moveGpuBinding(binding: GpuBinding): Promise<void>;
  /** Saves a new offer, or replaces a known one's terms and makes it active again (keeping its first `createdAtMs`). */
  saveOffer(offer: StoredOffer): Promise<void>;
  /** Takes an offer out of the active list; an unknown id is no error. */
  withdrawOffer(offerId: string, atMs: number): Promise<void>;
  listActiveOffers(): Promise<StoredOffer[]>;

  // Leases
  /** A new lease in 'reserved' with its nodes ('assigned'), expected payments and first transition; throws on a known id. */
  createLease(lease: NewLease): Promise<void>;
  transitionLease(change: LeaseStateChange): Promise<boolean>;
  setNodeState(leaseId: string, rank: number, state: NodeState, message: string | null, atMs: number): Promise<void>;
  /**
   * Raises the increment count and adds the expected payments of the new increments.
   * Throws, changing nothing, when `incrementCount` is not above the current count (so of
   * two racing extensions to one count, one fails) or a payment is already expected.
   */
  extendLease(leaseId: string, incrementCount: number, payments: readonly ExpectedPayment[]): Promise<void>;
  getLease(leaseId: string): Promise<StoredLease | null>;
  /** Leases not ended, in no stated order. */
  listActiveLeases(): Promise<StoredLease[]>;
  /** The renter's newest `limit` leases (by `createdAtMs`), newest first, ended ones included. */
  listRenterLeases(renter: string, limit: number): Promise<StoredLease[]>;

  // Payments
  creditPayment(credit: PaymentCredit): Promise<CreditResult>;
  /** The newest `limit` credited payments, newest first. */
  recentPayments(limit: number): Promise<PaymentRecord[]>;
  /** The sum of payments credited with `paidAtMs >= sinceMs`. */
  volumePaidSince(sinceMs: number): Promise<bigint>;
  volumePaidAllTime(): Promise<bigint>;

  // Reputation facts (all zero for a worker or renter the store has no facts about)
  workerFacts(workerId: string): Promise<WorkerFacts>;
  listWorkerFacts(): Promise<WorkerFacts[]>;
  renterFacts(address: string): Promise<RenterFacts>;
  /** Counts one attestation outcome of a worker: a new identity's exposure grows with passes. */
  recordAttestation(workerId: string, passed: boolean): Promise<void>;
  /** A refund the worker owed was not paid by its deadline. */
  recordRefundMissed(workerId: string): Promise<void>;

  // Evidence (issue 13): what happened in a lease, in order, for disputes. Entries are
  // appended, numbered from 1 per lease in the order the calls were made, never changed.
  appendEvidence(entry: NewLeaseEvidence): Promise<void>;
  listEvidence(leaseId: string): Promise<LeaseEvidence[]>;

  // The explorer's series (issue 16): points keyed by (resolution, time); saving a point
  // that exists replaces it (a roll-up run twice writes the same bucket twice).
  saveExplorerPoints(points: readonly StoredExplorerPoint[]): Promise<void>;
  /** Points of one resolution with `sinceMs <= atMs < untilMs`, oldest first. */
  listExplorerPoints(resolutionMs: number, sinceMs: number, untilMs: number): Promise<StoredExplorerPoint[]>;
  /** Deletes the points of one resolution with `atMs < beforeMs`; returns how many. */
  deleteExplorerPoints(resolutionMs: number, beforeMs: number): Promise<number>;

  /** May be called more than once. */
  close(): Promise<void>;
}

/**
 * Another lease (placed by another hub instance a moment ago) holds one of the GPUs of this
 * lease. A refusal the renter can act on: ask for a quote again.
 */
export class GpuHeldError extends HubError {
  /**
   * `held`: which of the lease's GPUs other leases hold, and which leases (so an instance
   * that placed from an out-of-date view can mark them and plan again at once).
   */
  constructor(
    leaseId: string,
    readonly held: ReadonlyArray<{ workerId: string; gpuUuid: string; leaseId: string }> = [],
  ) {
    super('no_capacity', `Another request took one of the GPUs picked for ${leaseId} a moment ago. Ask for a quote again.`, 'gpu_taken');
    this.name = 'GpuHeldError';
  }
}

export interface StoredSession {
  tokenHash: string;
  address: string;
  audience: SessionAudience;
  createdAtMs: number;
  expiresAtMs: number;
}

export interface WorkerUpsert {
  newWorkerId: string;
  owner: string;
  machineId: string;
  hardware: WorkerHardware;
  region: string;
  advertisedHost: string | null;
  atMs: number;
}

export interface StoredWorker {
  workerId: string;
  owner: string;
  machineId: string;
  hardware: WorkerHardware;
  region: string;
  advertisedHost: string | null;
  firstSeenMs: number;
  lastSeenMs: number;
  onlineMs: number;
}

export interface PresenceEntry {
  workerId: string;
  addOnlineMs: number;
  lastSeenMs: number;
}

export interface StoredOffer {
  offerId: string;
  workerId: string;
  gpuModel: string;
  vramMiB: number;
  terms: OfferTerms;
  createdAtMs: number;
  updatedAtMs: number;
}

export interface ExpectedPayment {
  increment: number;
  payee: string;
  amount: bigint;
  reference: string;
  memo: string;
}

export interface StoredPayment extends ExpectedPayment {
  signature: string | null;
  paidAtMs: number | null;
  onTime: boolean | null;
}

export interface NewLease {
  leaseId: string;
  renter: string;
  createdAtMs: number;
  expiresAtMs: number;
  incrementMs: number;
  incrementCount: number;
  graceMs: number;
  mint: string;
  request: ClusterRequest;
  placement: GangPlacement;
  payments: ExpectedPayment[];
  reason: string;
}

export interface StoredLease {
  leaseId: string;
  renter: string;
  state: LeaseState;
  endReason: LeaseEndReason | null;
  createdAtMs: number;
  expiresAtMs: number;
  startedAtMs: number | null;
  endedAtMs: number | null;
  incrementMs: number;
  incrementCount: number;
  graceMs: number;
  mint: string;
  request: ClusterRequest;
  placement: GangPlacement;
  nodes: LeaseNodeStatus[];
  payments: StoredPayment[];
  transitions: LeaseTransition[];
}

/** Observed facts recorded with a lease's end, in the same transaction. */
export interface LeaseEndFacts {
  workersCompleted: string[];
  workersEndedBySupplier: string[];
  /** The renter missed an increment (ended unpaid). */
  renterMissedIncrement: boolean;
  /** The renter's quote expired unpaid: GPUs held for nothing (issue 14.4). */
  renterLetReservationExpire?: boolean;
}

export interface LeaseStateChange {
  leaseId: string;
  from: LeaseState;
  to: LeaseState;
  endReason: LeaseEndReason | null;
  atMs: number;
  reason: string;
  /** Set when the lease starts (first increment fully paid). */
  startedAtMs?: number;
  facts?: LeaseEndFacts;
}

export interface PaymentCredit {
  leaseId: string;
  increment: number;
  payee: string;
  signature: string;
  paidAtMs: number;
  onTime: boolean;
  renter: string;
}

export type CreditResult =
  | { status: 'credited' }
  /** This signature is already credited (to this payment or any other). */
  | { status: 'duplicate-signature'; creditedTo: { leaseId: string; increment: number; payee: string } }
  /** This payment is already paid by another signature. */
  | { status: 'already-paid'; signature: string }
  | { status: 'unknown-payment' };

export interface PaymentRecord {
  signature: string;
  leaseId: string;
  increment: number;
  payee: string;
  payer: string;
  amount: bigint;
  paidAtMs: number;
}

export interface WorkerFacts {
  workerId: string;
  leasesCompleted: number;
  leasesEndedBySupplier: number;
  hardwareChecksPassed: number;
  hardwareChecksTotal: number;
  attestationsPassed: number;
  attestationsFailed: number;
  refundsMissed: number;
}

/** A worker nothing is known about yet. */
export const NO_FACTS: Omit<WorkerFacts, 'workerId'> = { leasesCompleted: 0, leasesEndedBySupplier: 0, hardwareChecksPassed: 0, hardwareChecksTotal: 0, attestationsPassed: 0, attestationsFailed: 0, refundsMissed: 0 };

export type LeaseEvidenceKind = 'attestation' | 'node' | 'payment' | 'refund' | 'refund-owed' | 'refund-missed' | 'dispute';

export interface NewLeaseEvidence {
  leaseId: string;
  kind: LeaseEvidenceKind;
  /** The machine it is about, when it is about one. */
  workerId: string | null;
  atMs: number;
  /** Plain JSON (amounts as decimal strings). */
  body: Record<string, unknown>;
}

export interface LeaseEvidence extends NewLeaseEvidence {
  seq: number;
}

export interface RenterFacts {
  address: string;
  incrementsOnTime: number;
  incrementsLate: number;
  incrementsMissed: number;
  /** Quotes that expired unpaid. */
  reservationsExpired: number;
}

/** A point of the explorer's series as the store keeps it (common/hub/http-api's ExplorerSeriesPoint, volume as a bigint). */
export interface StoredExplorerPoint {
  atMs: number;
  resolutionMs: number;
  workersOnline: number;
  gpusOnline: number;
  gpusLeased: number;
  utilisation: number;
  leasesRunning: number;
  leasesActive: number;
  volumePaidAllTime: bigint;
  groups: Array<{ gpuModel: string; region: string; gpus: number; leased: number }>;
}
