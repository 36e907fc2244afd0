import { randomBytes } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { SupplierLease, SupplierLeaseState } from '../../../common/market/lend-types';
import type { WorkerLease } from '../../../common/hub/worker-messages';

/** A lease placed on this machine as ledger.db holds it (migration 4). */
export interface StoredLease {
  lease: WorkerLease;
  state: SupplierLeaseState;
  jobId: string | null;
  /** Paid through, from payments this machine verified on chain (never the hub's word alone). */
  paidThroughMs: number | null;
  graceMs: number;
  startedAtMs: number | null;
  endedAtMs: number | null;
  message: string | null;
}

interface LeaseRow {
  lease_json: string;
  state: SupplierLeaseState;
  job_id: string | null;
  paid_through_ms: number | null;
  grace_ms: number;
  started_at_ms: number | null;
  ended_at_ms: number | null;
  message: string | null;
}

const fromRow = (row: LeaseRow): StoredLease => ({
  lease: JSON.parse(row.lease_json) as WorkerLease,
  state: row.state,
  jobId: row.job_id,
  paidThroughMs: row.paid_through_ms,
  graceMs: row.grace_ms,
  startedAtMs: row.started_at_ms,
  endedAtMs: row.ended_at_ms,
  message: row.message,
});

/**
 * Leases on this machine and its machine id, in ledger.db. Every write is its own
 * transaction (synchronous=FULL): after a `kill -9` the next start knows which leases
 * were paid through when, and which job runs each.
 */
export class SupplierLeaseStore {
  constructor(
    private readonly db: Database.Database,
    private readonly nowMs: () => number,
  ) {}

  /** The machine id, made once: the same machine resumes the same worker at the hub. */
  machineId(): string {
    const existing = this.db.prepare('SELECT machine_id FROM supplier_machine WHERE id = 1').pluck().get() as string | undefined;
    if (existing) return existing;
    const id = `m-${randomBytes(12).toString('hex')}`;
    this.db.prepare('INSERT OR IGNORE INTO supplier_machine (id, machine_id, created_at_ms) VALUES (1, ?, ?)').run(id, this.nowMs());
    return this.db.prepare('SELECT machine_id FROM supplier_machine WHERE id = 1').pluck().get() as string;
  }

  get(leaseId: string): StoredLease | null {
    const row = this.db.prepare('SELECT * FROM supplier_leases WHERE lease_id = ?').get(leaseId) as LeaseRow | undefined;
    return row ? fromRow(row) : null;
  }

  /** Records a lease as the hub sent it (again when extended); keeps local state. */
  upsert(lease: WorkerLease): StoredLease {
    const now = this.nowMs();
    this.db
      .prepare(
        `INSERT INTO supplier_leases (lease_id, renter, rank, world_size, gpu_uuids_json, image, lease_json, state, grace_ms, created_at_ms, updated_at_ms)
         VALUES (?, ?, ?, ?, ?, ?, ?, 'assigned', ?, ?, ?)
         ON CONFLICT(lease_id) DO UPDATE SET lease_json = excluded.lease_json, grace_ms = excluded.grace_ms, updated_at_ms = excluded.updated_at_ms`,
      )
      .run(lease.leaseId, lease.renter, lease.rank, lease.worldSize, JSON.stringify(lease.gpuUuids), lease.job.image, JSON.stringify(lease), lease.graceMs, now, now);
    return this.get(lease.leaseId)!;
  }

  update(leaseId: string, patch: Partial<Pick<StoredLease, 'state' | 'jobId' | 'startedAtMs' | 'endedAtMs' | 'message'>>): void {
    const columns: Record<string, string> = { state: 'state', jobId: 'job_id', startedAtMs: 'started_at_ms', endedAtMs: 'ended_at_ms', message: 'message' };
    const sets: string[] = [];
    const values: unknown[] = [];
    for (const [key, value] of Object.entries(patch)) {
      if (value === undefined) continue;
      sets.push(`${columns[key]} = ?`);
      values.push(value);
    }
    if (sets.length === 0) return;
    this.db.prepare(`UPDATE supplier_leases SET ${sets.join(', ')}, updated_at_ms = ? WHERE lease_id = ?`).run(...values, this.nowMs(), leaseId);
  }

  /** Moves paid-through forward only (a late verification of an older increment never shortens it). */
  extendPaidThrough(leaseId: string, paidThroughMs: number): void {
    this.db
      .prepare('UPDATE supplier_leases SET paid_through_ms = MAX(COALESCE(paid_through_ms, 0), ?), updated_at_ms = ? WHERE lease_id = ?')
      .run(paidThroughMs, this.nowMs(), leaseId);
  }

  /** Leases not ended, oldest first. */
  active(): StoredLease[] {
    return (this.db.prepare("SELECT * FROM supplier_leases WHERE state <> 'ended' ORDER BY created_at_ms").all() as LeaseRow[]).map(fromRow);
  }

  /** The last few leases, for the status (active ones and recently ended). */
  recent(limit: number): StoredLease[] {
    return (this.db.prepare("SELECT * FROM supplier_leases ORDER BY (state = 'ended'), updated_at_ms DESC LIMIT ?").all(limit) as LeaseRow[]).map(fromRow);
  }
}

export function toSupplierLease(stored: StoredLease, earned: bigint): SupplierLease {
  const { lease } = stored;
  return {
    leaseId: lease.leaseId,
    renter: lease.renter,
    rank: lease.rank,
    worldSize: lease.worldSize,
    gpuUuids: lease.gpuUuids,
    image: lease.job.image,
    state: stored.state,
    jobId: stored.jobId,
    paidThroughMs: stored.paidThroughMs,
    earned: earned.toString(),
    startedAtMs: stored.startedAtMs,
    endedAtMs: stored.endedAtMs,
    message: stored.message,
  };
}
