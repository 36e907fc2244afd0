import type { HardwareSnapshot } from '../../../common/hardware/detection';
import type { WorkerLease } from '../../../common/hub/worker-messages';
import type { LendNotice, LendTerms } from '../../../common/market/lend-types';
import type { SettingsStore } from '../../settings/settings-store';
import { isTerminalJobState } from '../../../common/worker/job';
import type { Job, JobLogBatch } from '../../../common/worker/job';
import type { WorkerService } from '../../worker/worker-service';
import { jobReport } from './job-report';
import { leaseRefusal } from './lease-admission';
import { leaseHasMeshPlacement, leaseJobId, leaseJobSpec, localLeaseId } from './lease-job-spec';
import { jobSpecSchema } from '../../../common/worker/job-spec';
import { LeaseLogBatcher } from './lease-log-batcher';
import type { LeaseMeter } from './lease-meter';
import type { LeaseWorkQueue } from './lease-work-queue';
import { sharedGpus } from './offer-plan';
import type { PaymentNotice } from './payment-intake';
import type { SupplierHubLink } from './supplier-hub-link';
import type { StoredLease, SupplierLeaseStore } from './supplier-lease-store';
import { errorText } from '../../../common/errors';

export interface SupplierLeaseLifecycleDeps {
  leases: SupplierLeaseStore;
  settings: SettingsStore;
  worker: WorkerService;
  link: SupplierHubLink;
  meter: LeaseMeter;
  queue: LeaseWorkQueue;
  snapshot: () => HardwareSnapshot | null;
  terms: () => LendTerms;
  /** A payment the hub listed again after a reconnect: verified (once) like a new one. */
  onPaid: (leaseId: string, payment: PaymentNotice) => Promise<void>;
  notice: (kind: LendNotice['kind'], title: string, body: string) => void;
  publish: () => void;
  sync: () => Promise<void>;
  /** Gives the renter back the paid time after `servedUntilMs` (LeaseRefunds.refundUnused). */
  refundUnused: (leaseId: string, servedUntilMs: number, reason: string) => Promise<void>;
  nowMs: () => number;
  logError: (message: string, error: unknown) => void;
}

/** How long after the hub's unpaid deadline this machine stops a lease on its own. */
const LOCAL_UNPAID_MARGIN_MS = 10_000;

/**
 * A lease on this machine from assignment to end: admitted or refused against the owner's
 * terms, its job started once paid and adopted again after a restart, the job's state and
 * logs relayed to the hub, and the lease ended — stopping its job — when the hub says so,
 * the job ends, or the verified payments run out.
 */
export class SupplierLeaseLifecycle {
  private readonly logs: LeaseLogBatcher;

  constructor(private readonly d: SupplierLeaseLifecycleDeps) {
    this.logs = new LeaseLogBatcher((leaseId, stream, text) => this.d.link.worker?.sendLog(leaseId, stream, text));
  }

  /** Stops batching logs (the session is stopping; the jobs keep running). */
  stop(): void {
    this.logs.stop();
  }

  /** After (re)connecting: the hub's leases are kept and re-associated with their jobs; any other is stopped. */
  async onWelcome(leases: WorkerLease[]): Promise<void> {
    const listed = new Set(leases.map((l) => l.leaseId));
    for (const stored of this.d.leases.active()) {
      if (!listed.has(stored.lease.leaseId)) {
        void this.d.queue.run(stored.lease.leaseId, () => this.endLease(stored.lease.leaseId, 'The hub no longer lists this lease; it was stopped.', {}));
      }
    }
    for (const lease of leases) {
      void this.d.queue.run(lease.leaseId, async () => {
        await this.onAssigned(lease);
        for (const p of lease.payments) {
          if (p.signature !== null && lease.startedAtMs !== null) await this.d.onPaid(lease.leaseId, { ...p, signature: p.signature });
        }
        const stored = this.d.leases.get(lease.leaseId);
        if (stored?.jobId) this.reportJob(lease.leaseId, this.jobOf(stored.jobId));
      });
    }
  }

  async onAssigned(lease: WorkerLease): Promise<void> {
    const known = this.d.leases.get(lease.leaseId);
    if (known?.state === 'ended') return;
    if (!known) {
      const terms = this.d.terms();
      const refusal = leaseRefusal(lease, terms, sharedGpus(this.d.snapshot(), terms).map((g) => g.uuid), this.d.nowMs()) ?? this.meshRefusal(lease);
      this.d.leases.upsert(lease);
      if (refusal) {
        await this.endLease(lease.leaseId, refusal, { report: { state: 'failed', cause: 'supplier' } });
        this.d.notice('refused', 'Lease refused', refusal);
        return;
      }
      // The lease's sidecar and mesh come up while it is reserved: the job's start does not
      // wait for them, and the renter sees the mesh measured before paying.
      if (this.usesMesh(lease)) {
        const spec = jobSpecSchema.safeParse(this.jobSpec(lease));
        // A spec this machine cannot take is refused with its words when the job starts.
        if (spec.success) this.d.worker.meshes.prepare(spec.data);
      }
    } else {
      // Re-sent when extended: keep what this machine learnt (the start time) if the hub's copy lacks it.
      this.d.leases.upsert({ ...lease, startedAtMs: lease.startedAtMs ?? known.lease.startedAtMs });
    }
    this.d.publish();
  }

  async startJob(stored: StoredLease): Promise<void> {
    const { lease } = stored;
    const jobId = leaseJobId(lease);
    const existing = this.jobOf(jobId);
    if (existing) {
      // After a restart: the job of this lease is already there (adopted, or ended).
      this.d.leases.update(lease.leaseId, { jobId });
      this.onJobChanged(existing);
      return;
    }
    try {
      const job = await this.d.worker.submit(this.jobSpec(lease));
      this.d.leases.update(lease.leaseId, { jobId: job.id, state: 'pulling' });
      this.d.link.worker?.reportNode(lease.leaseId, 'pulling');
    } catch (error) {
      await this.endLease(lease.leaseId, `This machine could not start the job: ${errorText(error)}`, { report: { state: 'failed', cause: 'supplier' } });
    }
  }

  /** Ends a lease here: stops its job (if any), records why, tells the hub when asked. */
  async endLease(leaseId: string, message: string, options: { report?: { state: 'exited' | 'failed'; cause?: 'job' | 'supplier' }; servedUntilMs?: number }): Promise<void> {
    const stored = this.d.leases.get(leaseId);
    if (!stored || stored.state === 'ended') return;
    this.d.meter.meterLease(stored);
    this.d.leases.update(leaseId, { state: 'ended', endedAtMs: this.d.nowMs(), message });
    if (options.report) this.d.link.worker?.reportNode(leaseId, options.report.state, { message: message.slice(0, 1024), ...(options.report.cause ? { cause: options.report.cause } : {}) });
    const job = stored.jobId ? this.jobOf(stored.jobId) : null;
    if (job && !isTerminalJobState(job.state)) {
      await this.d.worker.stopJob(job.id, 'lease-ended').catch((error: unknown) => this.d.logError(`[supplier] stopping job ${job.id} failed`, error));
    }
    // A lease that ended before its job (never paid, refused) still has its sidecar.
    await this.d.worker.meshes.release(localLeaseId(leaseId)).catch((error: unknown) => this.d.logError(`[supplier] removing the mesh of ${leaseId} failed`, error));
    if (stored.jobId) this.d.notice('job-ended', 'Job ended', `Lease ${leaseId}: ${message}`);
    this.d.publish();
    // This machine's side ended it: the renter gets back what was paid and not served.
    if (options.report?.cause === 'supplier') await this.d.refundUnused(leaseId, Math.min(options.servedUntilMs ?? this.d.nowMs(), this.d.nowMs()), message);
    if (!this.d.settings.get().sharingEnabled) void this.d.sync();
  }

  /**
   * This machine's own clock on what it verified: the hub's silence is not a payment.
   * A backstop: it waits a little past the hub's own deadline, so the hub (which also
   * tells the renter why) normally ends an unpaid lease first.
   */
  endUnpaid(nowMs: number): void {
    for (const stored of this.d.leases.active()) {
      if (stored.jobId === null) continue;
      if (stored.paidThroughMs !== null && nowMs > stored.paidThroughMs + stored.graceMs + LOCAL_UNPAID_MARGIN_MS) {
        void this.d.queue.run(stored.lease.leaseId, () =>
          this.endLease(stored.lease.leaseId, `No verified payment covers this lease after ${new Date(stored.paidThroughMs!).toISOString()}; the job was stopped.`, { report: { state: 'exited' } }),
        );
      }
    }
  }

  /** Every lease runs in its sidecar's namespace when this machine can build it (isolation for one node or many). */
  private usesMesh(lease: WorkerLease): boolean {
    return this.d.worker.meshes.unavailableReason() === null && leaseHasMeshPlacement(lease);
  }

  /** A multi-machine lease needs the mesh: without it, refused with what to install (never a cluster silently broken). */
  private meshRefusal(lease: WorkerLease): string | null {
    if (lease.worldSize <= 1) return null;
    const reason = this.d.worker.meshes.unavailableReason();
    if (reason) return reason;
    if (!leaseHasMeshPlacement(lease)) return 'The hub did not name every node’s supplier wallet, so this machine cannot check its peers’ mesh keys; the cluster lease was refused.';
    return null;
  }

  private jobSpec(lease: WorkerLease) {
    return leaseJobSpec(lease, this.d.snapshot(), this.d.terms().maxLeaseMs, { mesh: this.usesMesh(lease) });
  }

  // ── jobs → hub ───────────────────────────────────────────────────────────

  onJobChanged(job: Job): void {
    const stored = this.leaseOfJob(job.id);
    if (!stored) return;
    const leaseId = stored.lease.leaseId;
    if (stored.state !== 'ended') {
      if (job.state === 'running' && stored.state !== 'running' && stored.state !== 'paused-hot') {
        this.d.leases.update(leaseId, { state: 'running', startedAtMs: stored.startedAtMs ?? job.startedAtMs ?? this.d.nowMs() });
        this.d.notice('job-started', 'Job started', `Lease ${leaseId} is running on ${stored.lease.gpuUuids.length} GPU${stored.lease.gpuUuids.length === 1 ? '' : 's'}.`);
      } else if ((job.state === 'pulling' || job.state === 'creating' || job.state === 'queued') && stored.state !== 'pulling') {
        this.d.leases.update(leaseId, { state: 'pulling' });
      } else if (isTerminalJobState(job.state)) {
        this.d.meter.meterLease(stored);
        const endedAtMs = job.endedAtMs ?? this.d.nowMs();
        this.d.leases.update(leaseId, { state: 'ended', endedAtMs, message: job.message });
        this.d.notice('job-ended', 'Job ended', `Lease ${leaseId}: ${job.message ?? job.state}`);
        // The job ended for this machine's reasons (the engine, an owner stop): refund the rest.
        if (jobReport(job)?.extra.cause === 'supplier') void this.d.refundUnused(leaseId, endedAtMs, job.message ?? `The job ${job.state} on this machine.`);
      }
    }
    this.reportJob(leaseId, job);
    this.d.publish();
  }

  onJobLog(batch: JobLogBatch): void {
    const stored = this.leaseOfJob(batch.jobId);
    if (!stored) return;
    for (const line of batch.lines) {
      if (line.stream === 'worker') this.logs.push(stored.lease.leaseId, 'stderr', `[idlegrid] ${line.text}`);
      else this.logs.push(stored.lease.leaseId, line.stream, line.text);
    }
  }

  private reportJob(leaseId: string, job: Job | null): void {
    const client = this.d.link.worker;
    if (!client || !job) return;
    const report = jobReport(job);
    if (report) client.reportNode(leaseId, report.state, report.extra);
  }

  private leaseOfJob(jobId: string): StoredLease | null {
    for (const stored of this.d.leases.recent(200)) if (stored.jobId === jobId || leaseJobId(stored.lease) === jobId) return stored;
    return null;
  }

  private jobOf(jobId: string): Job | null {
    return this.d.worker.store.get(jobId)?.job ?? null;
  }
}
