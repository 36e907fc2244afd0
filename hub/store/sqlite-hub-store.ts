import type Database from 'better-sqlite3';
import type { NodeState } from '../../common/hub/lease-types';
import { NO_FACTS } from './hub-store';
import type {
  StoredExplorerPoint,
  CreditResult,
  ExpectedPayment,
  GpuBinding,
  HubStore,
  LeaseEvidence,
  NewLeaseEvidence,
  LeaseStateChange,
  NewLease,
  PaymentCredit,
  PaymentRecord,
  PresenceEntry,
  RenterFacts,
  StoredLease,
  StoredOffer,
  StoredSession,
  StoredWorker,
  WorkerFacts,
  WorkerUpsert,
} from './hub-store';
import { GpuHeldError } from './hub-store';
import { openDatabase } from '../../sqlite/open-database';
import { leaseFromRows, workerFactsFromRow, workerFromRow } from './sqlite-rows';
import type { SessionRow, WorkerRow, OfferRow, LeaseRow, NodeRow, PaymentRow, TransitionRow, RecentPaymentRow, WorkerFactsRow, RenterFactsRow } from './sqlite-rows';
import { HUB_MIGRATIONS } from './migrations';
import { EXPLORER_POINT_COLUMNS, explorerPointFromRow, explorerPointValues } from './explorer-point-rows';
import type { ExplorerPointRow } from './explorer-point-rows';

/**
 * hub.db on SQLite (better-sqlite3). WAL so readers never wait for the writer. Money and
 * lease rows are written with `synchronous=FULL` (on disk before the call returns, even
 * across a power cut); presence, sessions and offers with NORMAL, because a worker or a
 * session written a moment before a power cut is simply re-registered, and a heartbeat-rate
 * write must not wait for an fsync. `synchronous` is per connection and may change between
 * transactions, so each write picks its durability.
 */
export class SqliteHubStore implements HubStore {
  private readonly db: Database.Database;
  private durability: 'FULL' | 'NORMAL' | null = null;
  private readonly stmt: ReturnType<SqliteHubStore['prepare']>;

  constructor(filePath: string) {
    this.db = openDatabase(filePath, { durability: 'money', migrations: HUB_MIGRATIONS });
    this.durability = 'FULL';
    this.stmt = this.prepare();
  }

  /** For migration tests and tools: the raw connection. */
  get connection(): Database.Database {
    return this.db;
  }

  private setDurability(level: 'FULL' | 'NORMAL'): void {
    if (this.durability === level) return;
    this.db.pragma(`synchronous = ${level}`);
    this.durability = level;
  }

  private prepare() {
    const db = this.db;
    return {
      saveSession: db.prepare('INSERT OR REPLACE INTO sessions (token_hash, address, created_at_ms, expires_at_ms, audience) VALUES (?, ?, ?, ?, ?)'),
      findSession: db.prepare('SELECT token_hash, address, created_at_ms, expires_at_ms, audience FROM sessions WHERE token_hash = ?'),
      deleteSession: db.prepare('DELETE FROM sessions WHERE token_hash = ?'),
      deleteExpiredSessions: db.prepare('DELETE FROM sessions WHERE expires_at_ms <= ?'),
      findWorker: db.prepare('SELECT * FROM workers WHERE owner = ? AND machine_id = ?'),
      insertWorker: db.prepare(
        `INSERT INTO workers (worker_id, owner, machine_id, hardware_json, region, advertised_host, first_seen_ms, last_seen_ms)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      insertWorkerFacts: db.prepare('INSERT OR IGNORE INTO worker_facts (worker_id) VALUES (?)'),
      updateWorker: db.prepare('UPDATE workers SET hardware_json = ?, region = ?, advertised_host = ?, last_seen_ms = ? WHERE worker_id = ?'),
      listWorkers: db.prepare('SELECT * FROM workers ORDER BY worker_id'),
      presence: db.prepare('UPDATE workers SET online_ms = online_ms + ?, last_seen_ms = max(last_seen_ms, ?) WHERE worker_id = ?'),
      bindGpu: db.prepare('INSERT OR IGNORE INTO gpu_bindings (gpu_uuid, owner, machine_id, bound_at_ms) VALUES (?, ?, ?, ?)'),
      gpuBinding: db.prepare('SELECT gpu_uuid, owner, machine_id, bound_at_ms FROM gpu_bindings WHERE gpu_uuid = ?'),
      moveGpuBinding: db.prepare('UPDATE gpu_bindings SET owner = ?, machine_id = ?, bound_at_ms = ? WHERE gpu_uuid = ?'),
      hardwareCheck: db.prepare(
        `UPDATE worker_facts SET hardware_checks_total = hardware_checks_total + 1,
           hardware_checks_passed = hardware_checks_passed + ? WHERE worker_id = ?`,
      ),
      saveOffer: db.prepare(
        `INSERT INTO offers (offer_id, worker_id, gpu_model, vram_mib, terms_json, created_at_ms, updated_at_ms)
         VALUES (@offerId, @workerId, @gpuModel, @vramMiB, @termsJson, @createdAtMs, @updatedAtMs)
         ON CONFLICT (offer_id) DO UPDATE SET gpu_model = excluded.gpu_model, vram_mib = excluded.vram_mib,
           terms_json = excluded.terms_json, updated_at_ms = excluded.updated_at_ms, withdrawn_at_ms = NULL`,
      ),
      withdrawOffer: db.prepare('UPDATE offers SET withdrawn_at_ms = ? WHERE offer_id = ?'),
      listActiveOffers: db.prepare('SELECT * FROM offers WHERE withdrawn_at_ms IS NULL ORDER BY offer_id'),
      insertLease: db.prepare(
        `INSERT INTO leases (lease_id, renter, state, end_reason, created_at_ms, expires_at_ms, increment_ms, increment_count,
           grace_ms, mint, request_json, placement_json)
         VALUES (?, ?, 'reserved', NULL, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      insertNode: db.prepare("INSERT INTO lease_nodes (lease_id, rank, worker_id, state, message, updated_at_ms) VALUES (?, ?, ?, 'assigned', NULL, ?)"),
      insertHold: db.prepare('INSERT INTO gpu_holds (worker_id, gpu_uuid, lease_id) VALUES (?, ?, ?)'),
      releaseHolds: db.prepare('DELETE FROM gpu_holds WHERE lease_id = ?'),
      insertPayment: db.prepare('INSERT INTO lease_payments (lease_id, increment, payee, amount, reference, memo) VALUES (?, ?, ?, ?, ?, ?)'),
      insertTransition: db.prepare(
        `INSERT INTO lease_transitions (lease_id, seq, from_state, to_state, end_reason, at_ms, reason)
         VALUES (?, (SELECT coalesce(max(seq), 0) + 1 FROM lease_transitions WHERE lease_id = ?), ?, ?, ?, ?, ?)`,
      ),
      casLease: db.prepare(
        `UPDATE leases SET state = ?, end_reason = ?, started_at_ms = coalesce(?, started_at_ms),
           ended_at_ms = CASE WHEN ? = 'ended' THEN ? ELSE ended_at_ms END
         WHERE lease_id = ? AND state = ? AND state <> 'ended'`,
      ),
      factCompleted: db.prepare('UPDATE worker_facts SET leases_completed = leases_completed + 1 WHERE worker_id = ?'),
      factSupplierEnded: db.prepare('UPDATE worker_facts SET leases_ended_by_supplier = leases_ended_by_supplier + 1 WHERE worker_id = ?'),
      renterFactsRow: db.prepare('INSERT OR IGNORE INTO renter_facts (address) VALUES (?)'),
      renterMissed: db.prepare('UPDATE renter_facts SET increments_missed = increments_missed + 1 WHERE address = ?'),
      renterExpired: db.prepare('UPDATE renter_facts SET reservations_expired = reservations_expired + 1 WHERE address = ?'),
      renterOnTime: db.prepare('UPDATE renter_facts SET increments_on_time = increments_on_time + 1 WHERE address = ?'),
      renterLate: db.prepare('UPDATE renter_facts SET increments_late = increments_late + 1 WHERE address = ?'),
      setNodeState: db.prepare('UPDATE lease_nodes SET state = ?, message = ?, updated_at_ms = ? WHERE lease_id = ? AND rank = ?'),
      setIncrementCount: db.prepare('UPDATE leases SET increment_count = ? WHERE lease_id = ? AND increment_count < ?'),
      getLease: db.prepare('SELECT * FROM leases WHERE lease_id = ?'),
      activeLeases: db.prepare("SELECT * FROM leases WHERE state <> 'ended' ORDER BY created_at_ms, lease_id"),
      renterLeases: db.prepare('SELECT * FROM leases WHERE renter = ? ORDER BY created_at_ms DESC, lease_id LIMIT ?'),
      leaseNodes: db.prepare('SELECT * FROM lease_nodes WHERE lease_id = ? ORDER BY rank'),
      leasePayments: db.prepare('SELECT * FROM lease_payments WHERE lease_id = ? ORDER BY increment, payee'),
      leaseTransitions: db.prepare('SELECT * FROM lease_transitions WHERE lease_id = ? ORDER BY seq'),
      paymentBySignature: db.prepare('SELECT lease_id, increment, payee FROM lease_payments WHERE signature = ?'),
      paymentRow: db.prepare('SELECT amount, signature FROM lease_payments WHERE lease_id = ? AND increment = ? AND payee = ?'),
      credit: db.prepare(
        `UPDATE lease_payments SET signature = ?, paid_at_ms = ?, on_time = ?
         WHERE lease_id = ? AND increment = ? AND payee = ? AND signature IS NULL`,
      ),
      totals: db.prepare('SELECT volume_paid FROM hub_totals WHERE id = 1'),
      setTotals: db.prepare('UPDATE hub_totals SET volume_paid = ? WHERE id = 1'),
      recentPayments: db.prepare(
        `SELECT p.signature, p.lease_id, p.increment, p.payee, p.amount, p.paid_at_ms, l.renter
         FROM lease_payments p JOIN leases l ON l.lease_id = p.lease_id
         WHERE p.signature IS NOT NULL ORDER BY p.paid_at_ms DESC, p.signature LIMIT ?`,
      ),
      amountsSince: db.prepare('SELECT amount FROM lease_payments WHERE signature IS NOT NULL AND paid_at_ms >= ?'),
      workerFacts: db.prepare('SELECT * FROM worker_facts WHERE worker_id = ?'),
      listWorkerFacts: db.prepare('SELECT * FROM worker_facts ORDER BY worker_id'),
      renterFacts: db.prepare('SELECT * FROM renter_facts WHERE address = ?'),
    };
  }

  async saveSession(s: StoredSession): Promise<void> {
    this.setDurability('NORMAL');
    this.stmt.saveSession.run(s.tokenHash, s.address, s.createdAtMs, s.expiresAtMs, s.audience);
  }

  async deleteSession(tokenHash: string): Promise<boolean> {
    this.setDurability('NORMAL');
    return this.stmt.deleteSession.run(tokenHash).changes > 0;
  }

  async findSession(tokenHash: string): Promise<StoredSession | null> {
    const row = this.stmt.findSession.get(tokenHash) as SessionRow | undefined;
    return row ? { tokenHash: row.token_hash, address: row.address, audience: row.audience, createdAtMs: row.created_at_ms, expiresAtMs: row.expires_at_ms } : null;
  }

  async deleteExpiredSessions(nowMs: number): Promise<number> {
    this.setDurability('NORMAL');
    return this.stmt.deleteExpiredSessions.run(nowMs).changes;
  }

  async upsertWorker(input: WorkerUpsert): Promise<StoredWorker> {
    this.setDurability('NORMAL');
    return this.db.transaction(() => {
      const hardwareJson = JSON.stringify(input.hardware);
      const existing = this.stmt.findWorker.get(input.owner, input.machineId) as WorkerRow | undefined;
      if (existing) {
        this.stmt.updateWorker.run(hardwareJson, input.region, input.advertisedHost, input.atMs, existing.worker_id);
        return workerFromRow({
          ...existing,
          hardware_json: hardwareJson,
          region: input.region,
          advertised_host: input.advertisedHost,
          last_seen_ms: input.atMs,
        });
      }
      this.stmt.insertWorker.run(
        input.newWorkerId,
        input.owner,
        input.machineId,
        hardwareJson,
        input.region,
        input.advertisedHost,
        input.atMs,
        input.atMs,
      );
      this.stmt.insertWorkerFacts.run(input.newWorkerId);
      return {
        workerId: input.newWorkerId,
        owner: input.owner,
        machineId: input.machineId,
        hardware: input.hardware,
        region: input.region,
        advertisedHost: input.advertisedHost,
        firstSeenMs: input.atMs,
        lastSeenMs: input.atMs,
        onlineMs: 0,
      };
    })();
  }

  async listWorkers(): Promise<StoredWorker[]> {
    return (this.stmt.listWorkers.all() as WorkerRow[]).map(workerFromRow);
  }

  async recordPresence(entries: readonly PresenceEntry[]): Promise<void> {
    if (entries.length === 0) return;
    this.setDurability('NORMAL');
    this.db.transaction(() => {
      for (const e of entries) this.stmt.presence.run(Math.max(0, Math.round(e.addOnlineMs)), e.lastSeenMs, e.workerId);
    })();
  }

  async recordHardwareCheck(workerId: string, passed: boolean): Promise<void> {
    this.setDurability('NORMAL');
    this.stmt.hardwareCheck.run(passed ? 1 : 0, workerId);
  }

  async bindGpus(owner: string, machineId: string, gpuUuids: readonly string[], atMs: number): Promise<GpuBinding[]> {
    // A binding decides who may lease a GPU out: on disk before the hub acts on it.
    this.setDurability('FULL');
    return this.db.transaction(() =>
      gpuUuids.map((uuid) => {
        this.stmt.bindGpu.run(uuid, owner, machineId, atMs);
        const row = this.stmt.gpuBinding.get(uuid) as { gpu_uuid: string; owner: string; machine_id: string; bound_at_ms: number };
        return { gpuUuid: row.gpu_uuid, owner: row.owner, machineId: row.machine_id, boundAtMs: row.bound_at_ms };
      }),
    )();
  }

  async moveGpuBinding(binding: GpuBinding): Promise<void> {
    this.setDurability('FULL');
    this.stmt.moveGpuBinding.run(binding.owner, binding.machineId, binding.boundAtMs, binding.gpuUuid);
  }

  async saveOffer(offer: StoredOffer): Promise<void> {
    this.setDurability('NORMAL');
    this.stmt.saveOffer.run({
      offerId: offer.offerId,
      workerId: offer.workerId,
      gpuModel: offer.gpuModel,
      vramMiB: offer.vramMiB,
      termsJson: JSON.stringify(offer.terms),
      createdAtMs: offer.createdAtMs,
      updatedAtMs: offer.updatedAtMs,
    });
  }

  async withdrawOffer(offerId: string, atMs: number): Promise<void> {
    this.setDurability('NORMAL');
    this.stmt.withdrawOffer.run(atMs, offerId);
  }

  async listActiveOffers(): Promise<StoredOffer[]> {
    return (this.stmt.listActiveOffers.all() as OfferRow[]).map((r) => ({
      offerId: r.offer_id,
      workerId: r.worker_id,
      gpuModel: r.gpu_model,
      vramMiB: r.vram_mib,
      terms: JSON.parse(r.terms_json),
      createdAtMs: r.created_at_ms,
      updatedAtMs: r.updated_at_ms,
    }));
  }

  async createLease(lease: NewLease): Promise<void> {
    this.setDurability('FULL');
    this.db.transaction(() => {
      this.stmt.insertLease.run(
        lease.leaseId,
        lease.renter,
        lease.createdAtMs,
        lease.expiresAtMs,
        lease.incrementMs,
        lease.incrementCount,
        lease.graceMs,
        lease.mint,
        JSON.stringify(lease.request),
        JSON.stringify(lease.placement),
      );
      for (const node of lease.placement.nodes) this.stmt.insertNode.run(lease.leaseId, node.rank, node.workerId, lease.createdAtMs);
      for (const node of lease.placement.nodes) {
        for (const uuid of node.gpuUuids) {
          try {
            this.stmt.insertHold.run(node.workerId, uuid, lease.leaseId);
          } catch (error) {
            if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') throw new GpuHeldError(lease.leaseId, this.holdersOf(lease));
            throw error;
          }
        }
      }
      this.insertPayments(lease.leaseId, lease.payments);
      this.stmt.insertTransition.run(lease.leaseId, lease.leaseId, null, 'reserved', null, lease.createdAtMs, lease.reason);
    })();
  }

  private insertPayments(leaseId: string, payments: readonly ExpectedPayment[]): void {
    for (const p of payments) {
      this.stmt.insertPayment.run(leaseId, p.increment, p.payee, p.amount.toString(10), p.reference, p.memo);
    }
  }

  async transitionLease(c: LeaseStateChange): Promise<boolean> {
    this.setDurability('FULL');
    return this.db.transaction(() => {
      const changed = this.stmt.casLease.run(c.to, c.endReason, c.startedAtMs ?? null, c.to, c.atMs, c.leaseId, c.from).changes;
      if (changed === 0) return false;
      this.stmt.insertTransition.run(c.leaseId, c.leaseId, c.from, c.to, c.endReason, c.atMs, c.reason);
      if (c.to === 'ended') this.stmt.releaseHolds.run(c.leaseId);
      if (c.facts) {
        for (const w of c.facts.workersCompleted) this.stmt.factCompleted.run(w);
        for (const w of c.facts.workersEndedBySupplier) this.stmt.factSupplierEnded.run(w);
        if (c.facts.renterMissedIncrement) {
          const renter = (this.stmt.getLease.get(c.leaseId) as LeaseRow).renter;
          this.stmt.renterFactsRow.run(renter);
          this.stmt.renterMissed.run(renter);
        }
        if (c.facts.renterLetReservationExpire) {
          const renter = (this.stmt.getLease.get(c.leaseId) as LeaseRow).renter;
          this.stmt.renterFactsRow.run(renter);
          this.stmt.renterExpired.run(renter);
        }
      }
      return true;
    })();
  }

  async setNodeState(leaseId: string, rank: number, state: NodeState, message: string | null, atMs: number): Promise<void> {
    this.setDurability('FULL');
    this.stmt.setNodeState.run(state, message, atMs, leaseId, rank);
  }

  async extendLease(leaseId: string, incrementCount: number, payments: readonly ExpectedPayment[]): Promise<void> {
    this.setDurability('FULL');
    this.db.transaction(() => {
      const changed = this.stmt.setIncrementCount.run(incrementCount, leaseId, incrementCount).changes;
      if (changed === 0) throw new Error(`lease ${leaseId} cannot be extended to ${incrementCount} increments`);
      this.insertPayments(leaseId, payments);
    })();
  }

  async getLease(leaseId: string): Promise<StoredLease | null> {
    const row = this.stmt.getLease.get(leaseId) as LeaseRow | undefined;
    return row ? this.leaseFromRow(row) : null;
  }

  async listActiveLeases(): Promise<StoredLease[]> {
    return (this.stmt.activeLeases.all() as LeaseRow[]).map((r) => this.leaseFromRow(r));
  }

  async listRenterLeases(renter: string, limit: number): Promise<StoredLease[]> {
    return (this.stmt.renterLeases.all(renter, limit) as LeaseRow[]).map((r) => this.leaseFromRow(r));
  }

  private leaseFromRow(row: LeaseRow): StoredLease {
    return leaseFromRows(
      row,
      this.stmt.leaseNodes.all(row.lease_id) as NodeRow[],
      this.stmt.leasePayments.all(row.lease_id) as PaymentRow[],
      this.stmt.leaseTransitions.all(row.lease_id) as TransitionRow[],
    );
  }

  async creditPayment(c: PaymentCredit): Promise<CreditResult> {
    this.setDurability('FULL');
    return this.db.transaction((): CreditResult => {
      const prior = this.stmt.paymentBySignature.get(c.signature) as { lease_id: string; increment: number; payee: string } | undefined;
      if (prior) {
        return { status: 'duplicate-signature', creditedTo: { leaseId: prior.lease_id, increment: prior.increment, payee: prior.payee } };
      }
      const row = this.stmt.paymentRow.get(c.leaseId, c.increment, c.payee) as { amount: string; signature: string | null } | undefined;
      if (!row) return { status: 'unknown-payment' };
      if (row.signature !== null) return { status: 'already-paid', signature: row.signature };
      // The UNIQUE index on signature backs the check above: a concurrent writer (another
      // hub instance) that credits the same signature first makes this UPDATE throw.
      this.stmt.credit.run(c.signature, c.paidAtMs, c.onTime ? 1 : 0, c.leaseId, c.increment, c.payee);
      const total = BigInt((this.stmt.totals.get() as { volume_paid: string }).volume_paid) + BigInt(row.amount);
      this.stmt.setTotals.run(total.toString(10));
      this.stmt.renterFactsRow.run(c.renter);
      (c.onTime ? this.stmt.renterOnTime : this.stmt.renterLate).run(c.renter);
      return { status: 'credited' };
    })();
  }

  async recentPayments(limit: number): Promise<PaymentRecord[]> {
    return (this.stmt.recentPayments.all(limit) as RecentPaymentRow[]).map((r) => ({
      signature: r.signature,
      leaseId: r.lease_id,
      increment: r.increment,
      payee: r.payee,
      payer: r.renter,
      amount: BigInt(r.amount),
      paidAtMs: r.paid_at_ms,
    }));
  }

  async volumePaidSince(sinceMs: number): Promise<bigint> {
    let sum = 0n;
    for (const amount of this.stmt.amountsSince.pluck().iterate(sinceMs) as Iterable<string>) sum += BigInt(amount);
    return sum;
  }

  async volumePaidAllTime(): Promise<bigint> {
    return BigInt((this.stmt.totals.get() as { volume_paid: string }).volume_paid);
  }

  async workerFacts(workerId: string): Promise<WorkerFacts> {
    const row = this.stmt.workerFacts.get(workerId) as WorkerFactsRow | undefined;
    return row ? workerFactsFromRow(row) : { workerId, ...NO_FACTS };
  }

  async listWorkerFacts(): Promise<WorkerFacts[]> {
    return (this.stmt.listWorkerFacts.all() as WorkerFactsRow[]).map(workerFactsFromRow);
  }

  async renterFacts(address: string): Promise<RenterFacts> {
    const row = this.stmt.renterFacts.get(address) as RenterFactsRow | undefined;
    return {
      address,
      incrementsOnTime: row?.increments_on_time ?? 0,
      incrementsLate: row?.increments_late ?? 0,
      incrementsMissed: row?.increments_missed ?? 0,
      reservationsExpired: row?.reservations_expired ?? 0,
    };
  }

  async recordAttestation(workerId: string, passed: boolean): Promise<void> {
    this.setDurability('NORMAL');
    this.db
      .prepare(`UPDATE worker_facts SET ${passed ? 'attestations_passed = attestations_passed + 1' : 'attestations_failed = attestations_failed + 1'} WHERE worker_id = ?`)
      .run(workerId);
  }

  async recordRefundMissed(workerId: string): Promise<void> {
    this.setDurability('NORMAL');
    this.db.prepare('UPDATE worker_facts SET refunds_missed = refunds_missed + 1 WHERE worker_id = ?').run(workerId);
  }

  async appendEvidence(entry: NewLeaseEvidence): Promise<void> {
    // Evidence of money (payments, refunds) is worth a full sync: it settles disputes.
    this.setDurability('FULL');
    this.db
      .prepare(
        `INSERT INTO lease_evidence (lease_id, seq, kind, worker_id, at_ms, body_json)
         VALUES (?, (SELECT coalesce(max(seq), 0) + 1 FROM lease_evidence WHERE lease_id = ?), ?, ?, ?, ?)`,
      )
      .run(entry.leaseId, entry.leaseId, entry.kind, entry.workerId, entry.atMs, JSON.stringify(entry.body));
  }

  async listEvidence(leaseId: string): Promise<LeaseEvidence[]> {
    const rows = this.db.prepare('SELECT * FROM lease_evidence WHERE lease_id = ? ORDER BY seq').all(leaseId) as Array<{ lease_id: string; seq: number; kind: LeaseEvidence['kind']; worker_id: string | null; at_ms: number; body_json: string }>;
    return rows.map((r) => ({ leaseId: r.lease_id, seq: r.seq, kind: r.kind, workerId: r.worker_id, atMs: r.at_ms, body: JSON.parse(r.body_json) as Record<string, unknown> }));
  }

  /** Which of a new lease's GPUs other leases hold (for GpuHeldError). */
  private holdersOf(lease: NewLease): Array<{ workerId: string; gpuUuid: string; leaseId: string }> {
    const find = this.db.prepare('SELECT lease_id FROM gpu_holds WHERE worker_id = ? AND gpu_uuid = ? AND lease_id <> ?');
    const held = [];
    for (const node of lease.placement.nodes) {
      for (const gpuUuid of node.gpuUuids) {
        const row = find.get(node.workerId, gpuUuid, lease.leaseId) as { lease_id: string } | undefined;
        if (row) held.push({ workerId: node.workerId, gpuUuid, leaseId: row.lease_id });
      }
    }
    return held;
  }

  async saveExplorerPoints(points: readonly StoredExplorerPoint[]): Promise<void> {
    const save = this.db.prepare(`INSERT OR REPLACE INTO explorer_series (${EXPLORER_POINT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    this.db.transaction(() => {
      for (const p of points) save.run(...explorerPointValues(p));
    })();
  }

  async listExplorerPoints(resolutionMs: number, sinceMs: number, untilMs: number): Promise<StoredExplorerPoint[]> {
    const rows = this.db.prepare(`SELECT ${EXPLORER_POINT_COLUMNS} FROM explorer_series WHERE resolution_ms = ? AND at_ms >= ? AND at_ms < ? ORDER BY at_ms`).all(resolutionMs, sinceMs, untilMs) as ExplorerPointRow[];
    return rows.map(explorerPointFromRow);
  }

  async deleteExplorerPoints(resolutionMs: number, beforeMs: number): Promise<number> {
    return this.db.prepare('DELETE FROM explorer_series WHERE resolution_ms = ? AND at_ms < ?').run(resolutionMs, beforeMs).changes;
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
