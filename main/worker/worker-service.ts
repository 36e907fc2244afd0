import type Database from 'better-sqlite3';
import { ApiError } from '../../common/api/errors';
import type { DoctorCheck, DoctorReport, TestJobResult } from '../../common/worker/doctor';
import type { EngineStatus, Job, JobLogBatch, JobLogs, JobStats, JobTransition, PullProgress } from '../../common/worker/job';
import type { Event } from '../../common/event';
import { MutableDisposable, disposableInterval } from '../../common/lifecycle';
import type { Disposable } from '../../common/lifecycle';
import { jobSpecSchema } from '../../common/worker/job-spec';
import type { JobSpec, JobSpecInput } from '../../common/worker/job-spec';
import type { ContainerGpuDevices } from '../hardware/vendors';
import { nvidiaContainerDevices } from '../hardware/vendors/nvidia/nvidia-container';
import type { ContainerEngine } from './container-engine';
import { DockerEngine } from './docker-engine';
import { EngineMonitor } from './engine-monitor';
import { JobAdmission } from './job-admission';
import { JobLogRelay } from './job-log-relay';
import { JobReconciler } from './job-reconciler';
import { workerLabels } from './job-resources';
import { JobRunner } from './job-runner';
import type { StopReason } from './job-ending';
import { JobStore } from './job-store';
import { deadlineLeaseValidity } from './lease-validity';
import type { LeaseValidity } from './lease-validity';
import { SetupDoctor } from './setup-doctor';
import { StorageHealth } from './storage-health';
import type { StorageStatus } from './storage-health';
import type { DiskSpace } from './setup-doctor';
import { localDiskSpace } from './setup-doctor';
import { DEFAULT_STORAGE_MIN_FREE_BYTES, probeDataDir } from './storage-probe';
import { dirname } from 'node:path';
import { testJobSpec } from './test-job';
import { ProbeImage, PUBLIC_PROBE_IMAGE } from './probe-image';
import { WorkerEvents } from './worker-events';
import type { Logger } from '../../common/logger';
import { LeaseMeshNodes } from './mesh/lease-mesh-nodes';
import type { LeaseMeshNodesDeps } from './mesh/lease-mesh-nodes';

/** The public image the probe falls back to when no static busybox is at hand (probe-image.ts). */
export const DEFAULT_PROBE_IMAGE = PUBLIC_PROBE_IMAGE;
export const DEFAULT_DISK_RESERVE_BYTES = 20 * 1024 ** 3;

export interface WorkerServiceDeps {
  db: Database.Database;
  /** Scope 'worker' in the app's log. */
  logger: Logger;
  nowMs?: () => number;
  engine?: ContainerEngine;
  leaseValidity?: LeaseValidity;
  /** A fixed image for the probe and the test job (tests); by default one made here from a static busybox (probe-image.ts). */
  probeImage?: string;
  /** The GPUs this machine can lend (from hardware detection): the doctor and the test job use them. */
  gpuUuids?: () => string[];
  /**
   * How a container gets GPUs: the app asks the GPUs' vendor drivers. Without it (tests,
   * the crash worker) the ids are taken as NVIDIA UUIDs, handed over by device request.
   */
  gpuDevices?: (gpuUuids: readonly string[]) => ContainerGpuDevices;
  diskReserveBytes?: () => number;
  diskSpace?: (path: string) => Promise<DiskSpace | null>;
  /** Renters may ask for root (the owner's lend terms); off when absent. */
  allowRootJobs?: () => boolean;
  /** Registries on loopback or private addresses that jobs' images may come from (Settings); none when absent. */
  allowedRegistries?: () => readonly string[];
  /** DNS for registry names; tests answer for names they made up. */
  resolveHost?: (host: string) => Promise<string[]>;
  /** The hub's clock minus this machine's (null: not measured): the doctor warns when it is off. */
  clockOffsetMs?: () => number | null;
  /** New log lines go out as one event per job this often (200 ms by default). */
  logFlushIntervalMs?: number;
  /** Pull progress events at most this often per job. */
  progressIntervalMs?: number;
  /** Longest `start` waits for Docker's first answer and the reconcile. */
  startTimeoutMs?: number;
  /** While writes to ledger.db fail, the reconcile (which records what it could not) is tried this often. */
  storageRetryMs?: number;
  /** Below this much free space in ledger.db's folder the worker counts its storage as failing (8 MiB by default). */
  storageMinFreeBytes?: number;
  /** Reconnect back-off after Docker went away. */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** The leases' mesh (issue 11); tests give a sidecar image or shorter timeouts. */
  mesh?: Partial<Pick<LeaseMeshNodesDeps, 'sidecarImage' | 'hostAddresses' | 'directTimeoutMs'>>;
}

/**
 * The worker as the rest of the app sees it: run a job, stop it, read its logs, ask
 * the doctor. It owns the engine connection, the runner and the reconciler; `start`
 * reconciles what a previous run left, `stop` lets go without stopping jobs whose
 * lease is still paid for (the next start adopts them).
 */
export class WorkerService {
  readonly workerId: string;
  readonly engine: ContainerEngine;
  /** How a container is given these GPUs (the lease's attestation container uses it too). */
  readonly gpuDevices: (gpuUuids: readonly string[]) => ContainerGpuDevices;
  readonly store: JobStore;
  readonly runner: JobRunner;
  readonly reconciler: JobReconciler;
  readonly doctor: SetupDoctor;
  /** Every lease's mesh sidecar on this machine; the supplier connects it to the hub. */
  readonly meshes: LeaseMeshNodes;
  private readonly monitor: EngineMonitor;
  private readonly logs: JobLogRelay;
  private readonly nowMs: () => number;
  private readonly probeImage: ProbeImage;
  private readonly gpuUuids: () => string[];
  private readonly events = new WorkerEvents();
  /** A job's state changed (queued, pulling, running, ended, …). */
  readonly onDidChangeJob: Event<Job> = this.events.jobChanged.event;
  readonly onPullProgress: Event<PullProgress> = this.events.pullProgress.event;
  readonly onJobLog: Event<JobLogBatch> = this.events.jobLog.event;
  /** Docker connected, went away, is being retried. */
  readonly onDidChangeEngine: Event<EngineStatus> = this.events.engineChanged.event;
  readonly onDoctorReport: Event<DoctorReport> = this.events.doctorReport.event;
  /** Writes to ledger.db failed (disk full) or go through again. */
  readonly onDidChangeStorage: Event<StorageStatus>;
  private readonly storage: StorageHealth;
  private readonly storageRetry = new MutableDisposable<Disposable>();
  private readonly storageListener: Disposable;
  private stopped = false;

  constructor(private readonly options: WorkerServiceDeps) {
    this.nowMs = options.nowMs ?? Date.now;
    this.engine = options.engine ?? new DockerEngine();
    this.store = new JobStore(options.db, this.nowMs);
    this.storage = new StorageHealth(options.logger, this.nowMs);
    this.onDidChangeStorage = this.storage.onDidChange;
    this.storageListener = this.storage.onDidChange((status) => this.retryWhileStorageFails(status));
    this.workerId = this.store.workerId();
    this.probeImage = new ProbeImage(this.engine, options.probeImage ?? null);
    this.gpuUuids = options.gpuUuids ?? (() => []);
    const gpuDevices = options.gpuDevices ?? ((uuids) => nvidiaContainerDevices(uuids.map((uuid) => ({ uuid }))));
    this.gpuDevices = gpuDevices;
    this.logs = new JobLogRelay({
      events: this.events,
      nowMs: this.nowMs,
      ...(options.logFlushIntervalMs !== undefined ? { flushIntervalMs: options.logFlushIntervalMs } : {}),
    });
    this.meshes = new LeaseMeshNodes({ engine: this.engine, logger: options.logger, workerId: this.workerId, ...options.mesh });
    this.doctor = new SetupDoctor({
      meshUnavailable: () => this.meshes.unavailableReason(),
      engine: this.engine,
      nowMs: this.nowMs,
      workerId: this.workerId,
      probeImage: () => this.probeImage.resolve(),
      gpuUuids: this.gpuUuids,
      gpuDevices,
      diskReserveBytes: options.diskReserveBytes ?? (() => DEFAULT_DISK_RESERVE_BYTES),
      ...(options.diskSpace ? { diskSpace: options.diskSpace } : {}),
      ...(options.clockOffsetMs ? { clockOffsetMs: options.clockOffsetMs } : {}),
      storage: () => ({ ...this.storage.status(), dataDir: this.dataDir }),
    });
    const admission = new JobAdmission({
      engine: this.engine,
      nowMs: this.nowMs,
      diskReserveBytes: options.diskReserveBytes ?? (() => DEFAULT_DISK_RESERVE_BYTES),
      ...(options.diskSpace ? { diskSpace: options.diskSpace } : {}),
      ...(options.allowRootJobs ? { allowRootJobs: options.allowRootJobs } : {}),
      ...(options.allowedRegistries ? { allowedRegistries: options.allowedRegistries } : {}),
      ...(options.resolveHost ? { resolveHost: options.resolveHost } : {}),
    });
    this.runner = new JobRunner({
      engine: this.engine,
      logger: options.logger,
      store: this.store,
      storage: this.storage,
      logs: this.logs,
      events: this.events,
      workerId: this.workerId,
      nowMs: this.nowMs,
      admit: (spec) => admission.refusal(spec),
      gpuDevices,
      ...(options.progressIntervalMs !== undefined ? { progressIntervalMs: options.progressIntervalMs } : {}),
      // Fails fast while Docker is away; the reconnect's reconcile runs it again.
      onWatchLost: () => void this.reconciler.reconcile().catch(() => undefined),
      engineGoingAway: (withinMs) => this.monitor.disconnectsWithin(withinMs),
      mesh: this.meshes,
    });
    this.reconciler = new JobReconciler({
      engine: this.engine,
      logger: options.logger,
      store: this.store,
      runner: this.runner,
      workerId: this.workerId,
      leaseValidity: options.leaseValidity ?? deadlineLeaseValidity,
      nowMs: this.nowMs,
    });
    this.monitor = new EngineMonitor({
      engine: this.engine,
      logger: options.logger,
      nowMs: this.nowMs,
      labels: workerLabels(this.workerId),
      onConnected: async () => {
        // A full disk is not Docker's fault: Docker is connected; the storage retry settles later.
        await this.reconciler.reconcile().catch((error: unknown) => {
          if (!this.storage.failed('reconcile', error)) throw error;
        });
      },
      onEvent: (event) => this.runner.onEngineEvent(event),
      onStatus: (status) => this.events.engineChanged.fire(status),
      ...(options.initialBackoffMs !== undefined ? { initialBackoffMs: options.initialBackoffMs } : {}),
      ...(options.maxBackoffMs !== undefined ? { maxBackoffMs: options.maxBackoffMs } : {}),
    });
  }

  /**
   * Connects to Docker and reconciles; resolves after the first attempt, whether Docker
   * is there or not, and at the latest after `startTimeoutMs` (a Docker that accepts
   * connections but never answers must not hold up the app; the monitor keeps trying).
   */
  async start(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const limit = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, this.options.startTimeoutMs ?? 15_000);
      timer.unref();
    });
    await Promise.race([this.monitor.start(), limit]);
    clearTimeout(timer);
  }

  /** Lets go of Docker; containers of running jobs keep running (the next start adopts them). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.storageListener.dispose();
    void this.storageRetry.clear();
    this.runner.detach();
    await this.monitor.stop();
  }

  /** Whether the worker can record its jobs (a full disk says so here instead of ending the app). */
  storageStatus(): StorageStatus {
    return this.storage.status();
  }

  /** The folder of ledger.db, whose disk the supplier's records need (null for an in-memory database). */
  get dataDir(): string | null {
    const file = this.options.db.name;
    return file && file !== ':memory:' ? dirname(file) : null;
  }

  /**
   * A write elsewhere in the app (the supplier storing a lease) failed: when the disk is
   * why, the worker's storage counts as failing (true) and the supplier stops offering.
   */
  reportStorageFailure(what: string, error: unknown): boolean {
    return this.storage.failed(what, error);
  }

  /**
   * Checks the data folder's disk now: too little free space makes the storage failing
   * before a lease is lost to it, and a real test write clears a failure once there is
   * room again (the supplier calls this every few seconds while it shares).
   */
  async probeStorage(): Promise<StorageStatus> {
    const dir = this.dataDir;
    if (!dir || this.stopped) return this.storage.status();
    const wasFailing = this.storage.status().state === 'failing';
    // The data folder's own disk (the `diskSpace` option measures Docker's data root).
    const result = await probeDataDir(dir, { minFreeBytes: this.options.storageMinFreeBytes ?? DEFAULT_STORAGE_MIN_FREE_BYTES, failing: wasFailing, diskSpace: localDiskSpace });
    if (result.ok) {
      this.storage.succeeded();
      // Jobs that ended while nothing could be recorded are settled now, not at the next reconnect.
      if (wasFailing && this.monitor.status().state === 'connected') {
        this.reconciler.reconcile().catch((error: unknown) => {
          if (!this.storage.failed('reconcile', error)) this.options.logger.warn({ err: error }, 'the reconcile after a storage failure failed');
        });
      }
    } else if (!this.storage.failed('probe', result.error)) this.options.logger.warn({ err: result.error }, 'the data folder probe failed');
    return this.storage.status();
  }

  engineStatus(): EngineStatus {
    return this.monitor.status();
  }

  /** Accepts a renter's job (the market's supplier session calls this). */
  submit(input: JobSpecInput | JobSpec): Promise<Job> {
    this.requireEngine();
    return this.runner.submit(jobSpecSchema.parse(input));
  }

  stopJob(jobId: string, reason: StopReason = 'owner-stopped'): Promise<Job> {
    return this.runner.stop(jobId, reason);
  }

  pauseJob(jobId: string): Promise<Job> {
    return this.runner.pause(jobId);
  }

  resumeJob(jobId: string): Promise<Job> {
    return this.runner.resume(jobId);
  }

  jobs(limit: number): Job[] {
    return this.store.list(limit);
  }

  job(jobId: string): Job {
    const record = this.store.get(jobId);
    if (!record) throw new ApiError('not_found', `There is no job ${jobId} on this machine.`, 'job_not_found');
    return record.job;
  }

  history(jobId: string): JobTransition[] {
    this.job(jobId);
    return this.store.history(jobId);
  }

  jobLogs(jobId: string, afterSeq?: number): JobLogs {
    this.job(jobId);
    return this.logs.read(jobId, afterSeq);
  }

  jobStats(jobId: string): Promise<JobStats> {
    this.job(jobId);
    return this.runner.stats(jobId);
  }

  async runDoctor(): Promise<DoctorReport> {
    const report = await this.doctor.run();
    this.events.doctorReport.fire(report);
    // The owner just fixed Docker? Do not make them wait for the back-off.
    if (this.monitor.status().state !== 'connected') this.monitor.retryNow();
    return report;
  }

  lastDoctorReport(): DoctorReport | null {
    return this.doctor.lastReport();
  }

  /** Pulls and runs the probe image as a job, with this machine's lendable GPUs, and reports. */
  async runTestJob(): Promise<TestJobResult> {
    if (this.monitor.status().state !== 'connected') {
      const { check } = await this.doctor.checkDocker();
      if (check.status === 'fail') {
        throw new ApiError('unavailable', `${check.summary} ${check.fix ?? ''}`.trim(), 'engine_not_ready');
      }
    }
    // Made on this machine from the busybox the app carries: the test job needs no registry.
    const { ref } = await this.probeImage.resolve().catch(() => ({ ref: DEFAULT_PROBE_IMAGE }));
    const spec = testJobSpec(ref, this.gpuUuids(), this.nowMs());
    const queued = await this.runner.submit(spec, { isTest: true });
    const job = await this.runner.whenEnded(queued.id);
    const output = this.logs
      .read(job.id)
      .lines.filter((line) => line.stream !== 'worker')
      .map((line) => line.text);
    if (job.state === 'succeeded') return { ok: true, job, finding: null, output };
    return { ok: false, job, finding: await this.findingFor(job), output };
  }

  /** What the doctor says about a failed test job: its failing check, or the job's own message. */
  private async findingFor(job: Job): Promise<DoctorCheck> {
    const report = await this.runDoctor();
    const failing = report.checks.find((check) => check.status === 'fail');
    if (failing) return failing;
    return {
      id: job.endReason === 'pull-failed' ? 'docker' : 'gpu-runtime',
      title: 'Test job',
      status: 'fail',
      summary: job.message ?? `The test job ended as ${job.state}.`,
      fix: job.endReason === 'pull-failed' ? 'Check the internet connection, then run the test job again.' : null,
      detail: job.exitCode === null ? null : `exit code ${job.exitCode}`,
    };
  }

  /** Jobs that ended while nothing could be written are settled by a reconcile once writes go through. */
  private retryWhileStorageFails(status: StorageStatus): void {
    if (status.state === 'ok' || this.stopped) {
      this.storageRetry.clear();
      return;
    }
    if (this.storageRetry.value) return;
    this.storageRetry.value = disposableInterval(() => {
      if (this.monitor.status().state !== 'connected') return;
      this.reconciler.reconcile().catch((error: unknown) => {
        if (!this.storage.failed('reconcile', error)) this.options.logger.warn({ err: error }, 'the reconcile after a storage failure failed');
      });
    }, this.options.storageRetryMs ?? 30_000);
  }

  private requireEngine(): void {
    const status = this.monitor.status();
    if (status.state === 'disconnected') throw new ApiError('unavailable', status.message, 'engine_disconnected');
  }
}
