import type { Job, JobEndReason, JobState, JobStats } from '../../common/worker/job';
import { isTerminalJobState } from '../../common/worker/job';
import type { JobSpec } from '../../common/worker/job-spec';
import { ApiError } from '../../common/api/errors';
import type { ContainerDetails, ContainerEngine } from './container-engine';
import { EngineError } from './container-engine';
import { endingBeforeStart, endingOf, exitedWith, portsOf } from './job-ending';
import { describePullFailure } from './engine-errors';
import type { JobEnding, StopReason } from './job-ending';
import type { ContainerEngineEvent } from './engine-monitor';
import type { ContainerGpuDevices } from '../hardware/vendors';
import { containerUser, hardenedContainerSpec } from './hardened-container';
import { jobLabels, jobResourceNames } from './job-resources';
import type { JobLogRelay } from './job-log-relay';
import type { JobRecord, JobStore } from './job-store';
import { JobDockerResources } from './job-docker-resources';
import { JobWaiters, StopRequested, activeJob } from './active-job';
import type { ActiveJob } from './active-job';
import type { WorkerEvents } from './worker-events';
import type { Logger } from '../../common/logger';
import type { StorageHealth } from './storage-health';
import { storageFailureText } from '../../sqlite/storage-failure';

export interface JobRunnerDeps {
  engine: ContainerEngine;
  logger: Logger;
  store: JobStore;
  /** Told of every write to the jobs table: a full disk degrades the worker, it does not end the app. */
  storage: StorageHealth;
  logs: JobLogRelay;
  events: WorkerEvents;
  workerId: string;
  nowMs: () => number;
  /**
   * How a container gets the job's GPUs (their vendors' device requests and device
   * nodes); throws in plain words for a GPU that cannot be handed over.
   */
  gpuDevices: (gpuUuids: readonly string[]) => ContainerGpuDevices;
  /** Refuses a job before anything is created (not enough disk for its scratch, …); null admits it. */
  admit?: (spec: JobSpec) => Promise<string | null>;
  /** Pull progress events at most this often per job (the last one always goes out). */
  progressIntervalMs?: number;
  /**
   * A watch lost the engine mid-job: the reconciler should look again (now, or when
   * Docker is back). The engine's event stream can notice the loss before the watch
   * does, so the reconnect's own reconcile may already have passed this job over.
   */
  onWatchLost?: () => void;
  /**
   * Resolves true when the engine goes away within `withinMs`: a container killed by a
   * signal just before that was stopped by Docker shutting down, not by its own doing.
   */
  engineGoingAway?: (withinMs: number) => Promise<boolean>;
  /**
   * The leases' meshes (issue 11): a job whose spec has `mesh` runs in its lease's sidecar
   * namespace (`container:<sidecar>`), made while the lease was reserved or now.
   */
  mesh?: JobMesh;
}

/** The part of the lease's mesh the runner needs (LeaseMeshNodes). */
export interface JobMesh {
  /** The lease's sidecar once its mesh is up (made now unless it was prepared); throws why not. */
  attach(spec: JobSpec): Promise<{ sidecar: string }>;
  /** Removes the lease's sidecar (its last job ended). */
  release(leaseId: string): Promise<void>;
  holds(leaseId: string): boolean;
}

/**
 * Runs jobs: pull (with progress) → the lease's network (the job's scratch is a tmpfs of its container)
 * → a hardened container → start → logs and exit → remove everything. Every state
 * change goes to the jobs table before it is announced. A job whose container is
 * running when the app quits keeps running; `adopt` watches it again after a restart.
 */
export class JobRunner {
  private readonly active = new Map<string, ActiveJob>();
  private readonly resumes = new Map<string, number>();
  private readonly waiters = new JobWaiters();
  private detached = false;

  private readonly resources: JobDockerResources;

  constructor(private readonly options: JobRunnerDeps) {
    this.resources = new JobDockerResources(options);
  }

  /** Accepts a job and starts it in the background; resolves once it is recorded as queued. */
  async submit(spec: JobSpec, options: { isTest?: boolean } = {}): Promise<Job> {
    if (this.detached) throw new ApiError('unavailable', 'The worker is shutting down; try again after the app restarts.', 'worker_shutting_down');
    const refusal = await this.options.admit?.(spec);
    if (refusal) throw new ApiError('conflict', refusal, 'job_not_admitted');
    let job: Job | null;
    try {
      job = this.options.storage.write('job accepted', () => this.options.store.insert(spec, { isTest: options.isTest ?? false }));
    } catch (error) {
      const text = storageFailureText(error);
      if (text) throw new ApiError('unavailable', `${text} No job is taken until then.`, 'storage_failing');
      throw error;
    }
    if (!job) {
      throw new ApiError('conflict', `Job ${spec.jobId} was already accepted on this machine; a job id is never run twice.`, 'job_id_reused');
    }
    this.announce(job);
    const active = this.track(spec, null);
    this.inBackground(active, this.lifecycle(active), 'job lifecycle');
    return job;
  }

  /** True when this process lost Docker while it held the job (vs. an app restart). */
  wasEngineLost(jobId: string): boolean {
    return this.active.get(jobId)?.engineLost ?? false;
  }

  /** Jobs this process is running or watching. */
  isWatching(jobId: string): boolean {
    return this.active.get(jobId)?.watching ?? false;
  }

  watchingLeases(): Set<string> {
    const leases = new Set<string>();
    for (const a of this.active.values()) if (a.watching) leases.add(a.spec.leaseId);
    return leases;
  }

  /** True while the lease's mesh sidecar is kept (prepared while reserved, or in use). */
  holdsMesh(leaseId: string): boolean {
    return this.options.mesh?.holds(leaseId) ?? false;
  }

  /** Resolves with the job once `check` holds (checked now and at every change). */
  waitFor(jobId: string, check: (job: Job) => boolean): Promise<Job> {
    const now = this.options.store.get(jobId)?.job;
    if (!now) return Promise.reject(new ApiError('not_found', `There is no job ${jobId} on this machine.`, 'job_not_found'));
    if (check(now)) return Promise.resolve(now);
    return this.waiters.wait(jobId, check);
  }

  whenEnded(jobId: string): Promise<Job> {
    return this.waitFor(jobId, (job) => isTerminalJobState(job.state));
  }

  /** Stops a job: SIGTERM, its grace period, SIGKILL; resolves when it has ended and been removed. */
  async stop(jobId: string, reason: StopReason): Promise<Job> {
    const record = this.options.store.get(jobId);
    if (!record) throw new ApiError('not_found', `There is no job ${jobId} on this machine.`, 'job_not_found');
    if (isTerminalJobState(record.job.state)) return record.job;
    const active = this.active.get(jobId);
    if (!active || !active.watching) {
      throw new ApiError('unavailable', 'Docker is not reachable right now, so the job cannot be stopped; it is stopped as soon as Docker is back.', 'engine_unreachable');
    }
    if (!active.stopRequest) {
      active.stopRequest = reason;
      if (!active.containerId) {
        active.abort.abort(); // still pulling: stop the download
      } else {
        this.setState(jobId, { state: 'stopping' });
        this.inBackground(active, this.stopContainer(active), 'job stop');
      }
    }
    return this.whenEnded(jobId);
  }

  async pause(jobId: string): Promise<Job> {
    const active = this.requireRunning(jobId, 'running');
    await this.options.engine.pauseContainer(active.containerId!);
    // Docker's own "pause" event may have recorded it already.
    return this.setStateOnce(jobId, 'paused');
  }

  async resume(jobId: string): Promise<Job> {
    const active = this.requireRunning(jobId, 'paused');
    await this.options.engine.unpauseContainer(active.containerId!);
    return this.setStateOnce(jobId, 'running');
  }

  async stats(jobId: string): Promise<JobStats> {
    const active = this.active.get(jobId);
    if (!active?.containerId) throw new ApiError('not_found', `Job ${jobId} has no running container.`, 'job_not_running');
    const stats = await this.options.engine.containerStats(active.containerId);
    return { jobId, atMs: this.options.nowMs(), ...stats };
  }

  /**
   * Watches a container this worker started before (after an app restart or once the
   * engine is back): logs from where we were, the exit, the deadline.
   */
  adopt(record: JobRecord, container: ContainerDetails): void {
    const existing = this.active.get(record.job.id);
    const active = existing ?? this.track(record.spec, container.id);
    active.containerId = container.id;
    active.watching = true;
    active.engineLost = false; // it survived (live-restore): a later exit is its own
    active.abort = new AbortController();
    const state: JobState = container.state.paused ? 'paused' : 'running';
    if (record.job.state !== state) this.setState(record.job.id, { state, containerId: container.id });
    // Resume the output after the last line we have (Docker's `since` is in whole
    // seconds: a line may repeat, none is lost); after an app restart, the recent tail.
    const lastMs = this.options.logs.lastLineAtMs(record.job.id);
    this.options.logs.note(record.job.id, existing ? 'Docker is back; following the job again.' : 'Idlegrid restarted; following the running job again.');
    this.armDeadline(active);
    this.inBackground(active, this.watch(active, lastMs === null ? { tail: 1000 } : { sinceMs: lastMs }), 'job watch');
  }

  /**
   * Whether a job that had not started (no container yet, or one never started) may be
   * taken up again: its lease is still valid and it was not resumed too often in this
   * process (a Docker that fails every pull must end the job some time).
   */
  canStartOver(jobId: string): boolean {
    return (this.resumes.get(jobId) ?? 0) < MAX_RESUMES;
  }

  /**
   * Takes up a job whose image pull or container start was cut short by a restart of
   * the app or of Docker: the lease is paid and nothing ran yet, so it starts over
   * (pull again, Docker keeps the layers it has) instead of failing the lease.
   */
  startOver(record: JobRecord, why: 'app' | 'engine'): void {
    if (this.detached) return;
    this.resumes.set(record.job.id, (this.resumes.get(record.job.id) ?? 0) + 1);
    const active = this.track(record.spec, null);
    this.options.logs.note(
      record.job.id,
      why === 'app' ? 'Idlegrid restarted before the job started; download again and start it.' : 'Docker is back before the job started; download again and start it.',
    );
    this.inBackground(active, this.lifecycle(active), 'job lifecycle (resumed)');
  }

  /**
   * Ends a job this process was not watching (found by the reconciler): its container
   * has ended, is gone, or was stopped because its lease is over (`stopped`).
   */
  async settle(record: JobRecord, container: ContainerDetails | null, stopped: StopReason | null = null): Promise<Job> {
    const active = this.active.get(record.job.id);
    const stopRequest = stopped ?? active?.stopRequest ?? null;
    const reason: JobEndReason = stopRequest ?? (active?.engineLost ? 'engine-restarted' : 'worker-restarted');
    const ended = endingOf(record.spec, container, reason, stopRequest);
    await this.removeResources(record.spec, container?.id ?? record.job.containerId);
    return this.finish(record.job.id, ended);
  }

  /** Stops watching everything without touching containers: the app is quitting. */
  detach(): void {
    this.detached = true;
    for (const active of this.active.values()) {
      active.watching = false;
      active.abort.abort();
      if (active.deadlineTimer) clearTimeout(active.deadlineTimer);
    }
    this.options.logs.close();
  }

  onEngineEvent(event: ContainerEngineEvent): void {
    // A pause or unpause made outside the app (`docker pause`) shows in the job's state.
    if (event.action !== 'pause' && event.action !== 'unpause') return;
    for (const [jobId, active] of this.active) {
      if (active.containerId !== event.containerId || !active.watching) continue;
      const current = this.options.store.get(jobId)?.job.state;
      if (event.action === 'pause' && current === 'running') this.setStateOnce(jobId, 'paused');
      if (event.action === 'unpause' && current === 'paused') this.setStateOnce(jobId, 'running');
    }
  }

  // ---- lifecycle -------------------------------------------------------------------

  private async lifecycle(active: ActiveJob): Promise<void> {
    const { spec } = active;
    const names = jobResourceNames(this.options.workerId, spec.leaseId, spec.jobId);
    let resources: Promise<unknown> | null = null;
    try {
      // The lease network does not depend on the image: it is made while the image is
      // checked or pulled (a failed pull removes it again).
      // A mesh job's network namespace is its lease's sidecar, which also makes the network.
      const mesh = spec.mesh ? this.options.mesh : undefined;
      if (spec.mesh && !mesh) throw new Error('This job belongs to a cluster mesh, and this worker runs none.');
      const sidecar = mesh ? mesh.attach(spec) : Promise.resolve(null);
      resources = Promise.all([
        mesh ? sidecar : this.resources.ensureNetwork(spec),
      ]);
      resources.catch(() => undefined); // awaited below, after the image
      await this.ensureImage(active);
      active.phase = 'start';
      await resources;
      this.checkStop(active);
      this.setState(spec.jobId, { state: 'creating' });
      const gpus = spec.gpuUuids.length > 0 ? this.options.gpuDevices(spec.gpuUuids) : { deviceRequests: [], devices: [] };
      const meshSidecar = await sidecar;
      const user = containerUser(spec, await this.options.engine.imageUser(spec.image));
      const create = hardenedContainerSpec(spec, names, jobLabels(this.options.workerId, spec.leaseId, spec.jobId), gpus, meshSidecar ?? undefined, user);
      active.containerId = await this.options.engine.createContainer(create);
      const containerId = active.containerId;
      this.options.storage.write('job container', () => this.options.store.attachContainer(spec.jobId, containerId));
      this.checkStop(active);
      await this.options.engine.startContainer(active.containerId);
      const startedAtMs = this.options.nowMs();
      // Published ports are known only once it runs; without ports, no need to ask.
      const details = spec.exposedPorts.length > 0 ? await this.options.engine.inspectContainer(active.containerId) : null;
      if (active.stopRequest) {
        // Stopped while it was being created: it stays "stopping" and is stopped now.
        this.inBackground(active, this.stopContainer(active), 'job stop');
      } else {
        this.setState(spec.jobId, {
          state: 'running',
          startedAtMs: details?.state.startedAtMs ?? startedAtMs,
          ports: portsOf(spec, details),
        });
      }
      this.armDeadline(active);
      await this.watch(active, {});
    } catch (error) {
      if (!active.watching && this.detached) return; // quitting: the next start reconciles
      if (error instanceof EngineError && error.isConnectionFailure && active.containerId && !active.stopRequest) {
        // Docker went away with the container made: the reconcile looks again
        // (running → adopt, ended → settle) and cleans up.
        this.lostWatch(active);
        return;
      }
      if (!active.containerId && !active.stopRequest && !(error instanceof StopRequested) && (await this.engineWentAway(active, error))) {
        // Docker restarted during the pull or before the container existed: not the
        // renter's image. The reconnect's reconcile resumes the job (issue 19, item 10).
        this.options.logs.note(spec.jobId, 'Docker went away before the job started; it starts again when Docker is back.');
        this.lostWatch(active);
        return;
      }
      const ended = endingBeforeStart(active.spec, error, {
        stopRequest: active.stopRequest ?? (error instanceof StopRequested || active.abort.signal.aborted ? 'owner-stopped' : null),
        phase: active.phase,
        endpoint: this.options.engine.endpoint,
      });
      // Best effort; what Docker could not remove now, the reconnect's reconcile removes.
      await resources?.catch(() => undefined); // none may be half-made while we remove
      await this.removeResources(spec, active.containerId);
      await this.finish(spec.jobId, ended);
    }
  }

  /**
   * Was a failure before the container existed Docker going away? Certain for a refused
   * connection; for a pull that broke off with any other words than the registry's own
   * (not found, denied, plain HTTP), the engine's event stream tells within a moment.
   */
  private async engineWentAway(active: ActiveJob, error: unknown): Promise<boolean> {
    if (error instanceof EngineError && error.isConnectionFailure) return true;
    if (active.phase !== 'pull') return false;
    const kind = describePullFailure(active.spec.image, error, this.options.engine.endpoint).kind;
    if (kind === 'not-found' || kind === 'auth' || kind === 'insecure') return false;
    return (await this.options.engineGoingAway?.(3_000)) ?? false;
  }

  private async ensureImage(active: ActiveJob): Promise<void> {
    const { spec } = active;
    if (spec.pullPolicy === 'if-missing' && (await this.options.engine.hasImage(spec.image))) return;
    this.setState(spec.jobId, { state: 'pulling' });
    await this.resources.pullImage(spec, active.abort.signal);
  }

  /** Follows logs and waits for the exit; then ends the job. */
  private async watch(active: ActiveJob, logsFrom: { tail?: number; sinceMs?: number }): Promise<void> {
    const { spec } = active;
    const containerId = active.containerId!;
    active.watching = true;
    const signal = active.abort.signal;
    active.logsDone = this.options.engine
      .containerLogs(containerId, { follow: true, signal, ...logsFrom })
      .then((stream) => this.options.logs.follow(spec.jobId, stream))
      .catch(() => undefined);
    let exitCode: number;
    try {
      ({ exitCode } = await this.options.engine.waitContainer(containerId, signal));
    } catch (error) {
      if (signal.aborted && this.detached) return;
      if (error instanceof EngineError && error.statusCode === 404) {
        exitCode = -1; // removed behind our back; settle with what we know
      } else {
        // The engine went away (restart, Docker Desktop quit). The reconcile looks
        // again: still running (live-restore) → adopt, ended → settle.
        this.lostWatch(active);
        return;
      }
    }
    let details: ContainerDetails | null;
    try {
      details = await this.options.engine.inspectContainer(containerId);
    } catch {
      this.lostWatch(active);
      return;
    }
    // Killed by a signal nobody here sent: was it Docker shutting down? (A daemon stops
    // its containers before its event stream closes, so wait a moment to know.)
    if (!active.stopRequest && !details?.state.oomKilled && exitCode >= 128 && this.options.engineGoingAway) {
      if (await this.options.engineGoingAway(3_000)) active.engineLost = true;
    }
    // The log stream ends with the container; give it a moment to deliver the last lines.
    await Promise.race([active.logsDone, delay(2_000)]);
    const reason = active.stopRequest ?? (active.engineLost ? 'engine-restarted' : 'exited');
    const ended = endingOf(spec, details ?? exitedWith(exitCode), reason, active.stopRequest);
    // The scratch is a fixed-size tmpfs: the job saw ENOSPC. Say so in its ending, which
    // the owner reads and the supplier session reports to the renter.
    if (this.hitDiskLimit(spec.jobId)) {
      ended.message += ` It filled its disk space (${spec.scratchSizeMb} MB of scratch at /scratch, ${spec.tmpSizeMb} MB at /tmp): writes beyond that fail with "No space left on device".`;
    }
    await this.removeResources(spec, containerId);
    await this.finish(spec.jobId, ended);
  }

  /** Whether the job's own output says a write failed for lack of space (its scratch or /tmp is full). */
  private hitDiskLimit(jobId: string): boolean {
    return this.options.logs.read(jobId).lines.some((l) => l.stream !== 'worker' && /No space left on device|ENOSPC/.test(l.text));
  }

  private async stopContainer(active: ActiveJob): Promise<void> {
    if (active.containerId) await this.resources.stopContainer(active.spec, active.containerId);
  }

  private armDeadline(active: ActiveJob): void {
    if (active.deadlineTimer) clearTimeout(active.deadlineTimer);
    const deadline = this.options.store.get(active.spec.jobId)?.job.deadlineAtMs;
    if (deadline === undefined) return;
    const inMs = Math.max(0, deadline - this.options.nowMs());
    // Timers beyond ~24.8 days overflow; re-arm in steps.
    const stepMs = Math.min(inMs, 2 ** 31 - 1);
    active.deadlineTimer = setTimeout(() => {
      if (this.options.nowMs() < deadline) return this.armDeadline(active);
      void this.stop(active.spec.jobId, 'max-duration').catch(() => undefined);
    }, stepMs);
    active.deadlineTimer.unref();
  }

  // ---- ending ----------------------------------------------------------------------

  private async finish(
    jobId: string,
    ended: JobEnding,
  ): Promise<Job> {
    const active = this.active.get(jobId);
    if (active?.deadlineTimer) clearTimeout(active.deadlineTimer);
    this.active.delete(jobId);
    const current = this.options.store.get(jobId)?.job;
    if (current && isTerminalJobState(current.state)) return current;
    this.options.logs.note(jobId, ended.message);
    const job = this.setState(jobId, { ...ended, endedAtMs: this.options.nowMs() });
    this.options.logs.jobEnded(jobId);
    return job;
  }

  /** Removes the container, the scratch volume and, when no other job uses it, the lease network. */
  async removeResources(spec: JobSpec, containerId: string | null): Promise<void> {
    // Asked after the container and volume are gone: another job may have ended meanwhile.
    const leaseStillUsed = () => [...this.active.values()].some((a) => a.spec.leaseId === spec.leaseId && a.spec.jobId !== spec.jobId);
    await this.resources.remove(spec, containerId, leaseStillUsed, async () => {
      // The sidecar holds the lease network: it goes first, with the lease's last job.
      if (!leaseStillUsed()) await this.options.mesh?.release(spec.leaseId);
    });
  }

  // ---- helpers ---------------------------------------------------------------------

  private track(spec: JobSpec, containerId: string | null): ActiveJob {
    const active = activeJob(spec, containerId);
    this.active.set(spec.jobId, active);
    return active;
  }

  private lostWatch(active: ActiveJob): void {
    active.engineLost = true;
    active.watching = false;
    this.options.onWatchLost?.();
  }

  private checkStop(active: ActiveJob): void {
    if (active.stopRequest || active.abort.signal.aborted) throw new StopRequested();
  }

  private requireRunning(jobId: string, state: JobState): ActiveJob {
    const active = this.active.get(jobId);
    const current = this.options.store.get(jobId)?.job.state;
    if (!active?.containerId || !active.watching || current !== state) {
      throw new ApiError('conflict', `Job ${jobId} is ${current ?? 'unknown'}, not ${state}.`, 'job_state_mismatch');
    }
    return active;
  }

  /**
   * Work started in the background must never reject unhandled (Node ends the app). A
   * write the disk refused leaves the job as last recorded, unwatched: the next reconcile
   * (at start, on reconnect, or the owner's next job) settles it once writes go through;
   * Docker's side was removed on the way out.
   */
  private inBackground(active: ActiveJob, work: Promise<unknown>, what: string): void {
    work.catch((error: unknown) => {
      if (!this.options.storage.failed(what, error)) this.options.logger.error({ err: error, jobId: active.spec.jobId, what }, 'a job step failed unexpectedly');
      if (this.active.get(active.spec.jobId) === active) {
        if (active.deadlineTimer) clearTimeout(active.deadlineTimer);
        active.watching = false;
        this.active.delete(active.spec.jobId);
      }
    });
  }

  private setState(jobId: string, change: Parameters<JobStore['transition']>[1]): Job {
    const job = this.options.storage.write('job state', () => this.options.store.transition(jobId, change));
    this.announce(job);
    return job;
  }

  /** Moves to `state` unless the job is there already (our call and Docker's event both report it). */
  private setStateOnce(jobId: string, state: JobState): Job {
    const current = this.options.store.get(jobId)!.job;
    return current.state === state ? current : this.setState(jobId, { state });
  }

  private announce(job: Job): void {
    this.options.events.jobChanged.fire(job);
    this.waiters.notify(job);
  }
}

/** How often one process takes up a job that had not started before it ends it. */
const MAX_RESUMES = 3;

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
