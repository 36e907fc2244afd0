import type Database from 'better-sqlite3';
import type { Job } from '../../../common/worker/job';
import { deadlineLeaseValidity } from '../../worker/lease-validity';
import type { LeaseValidity } from '../../worker/lease-validity';
import type { HubTime } from '../hub-time';

/**
 * After a crash the worker asks this before re-adopting a container: a renter's lease is
 * valid while the payments THIS machine verified on chain cover it (paid-through + the
 * lease's grace), so a paid lease keeps its container and an unpaid one is removed. Jobs
 * that are not a supplier lease (the test job) keep their own deadline.
 */
export class SupplierLeaseValidity implements LeaseValidity {
  private readonly lookup: Database.Statement<[string], { paid_through_ms: number | null; grace_ms: number; state: string }>;

  constructor(
    db: Database.Database,
    private readonly hubTime: HubTime,
  ) {
    this.lookup = db.prepare('SELECT paid_through_ms, grace_ms, state FROM supplier_leases WHERE lease_id = ?');
  }

  isValid(job: Job, nowMs: number): boolean {
    const row = job.isTest ? undefined : this.lookup.get(job.leaseId);
    if (!row) return deadlineLeaseValidity.isValid(job, nowMs);
    if (row.state === 'ended' || row.paid_through_ms === null) return false;
    // Paid-through is the hub's time. Not knowing it yet (at start, before the hub's
    // welcome), a paid lease is kept: the welcome lists the leases to keep and the
    // supplier's clock (in hub time) ends the unpaid ones; never on local time alone.
    const hubNowMs = this.hubTime.nowMs();
    const paidNow = hubNowMs === null || hubNowMs < row.paid_through_ms + row.grace_ms;
    return paidNow && nowMs < job.deadlineAtMs;
  }
}
