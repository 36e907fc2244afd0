import type { JobSpec } from '../../common/worker/job-spec';
import type { ContainerEngine } from './container-engine';
import { EngineError } from './container-engine';
import type { JobLogRelay } from './job-log-relay';
import { jobResourceNames, leaseLabels } from './job-resources';
import { PullProgressTracker } from './pull-progress';
import type { WorkerEvents } from './worker-events';
import type { Logger } from '../../common/logger';

export interface JobDockerResourcesDeps {
  engine: ContainerEngine;
  logs: JobLogRelay;
  events: WorkerEvents;
  /** Scope 'worker' in the app's log: clean-up failures the reconciler retries later. */
  logger: Logger;
  workerId: string;
  nowMs: () => number;
  /** Pull progress events at most this often per job (the last one always goes out). */
  progressIntervalMs?: number;
}

/**
 * What a job needs in Docker around its container: the image (pulled with progress
 * events), the lease's network (shared by the lease's jobs), stopping the container, and
 * the clean-up of the container, the scratch volume and — when the lease's last job ends — the network.
 * Clean-up is best effort: what Docker cannot remove now, the reconciler removes later.
 */
export class JobDockerResources {
  constructor(private readonly options: JobDockerResourcesDeps) {}

  /** Downloads the job's image, publishing its progress at most every `progressIntervalMs`. */
  async pullImage(spec: JobSpec, signal: AbortSignal): Promise<void> {
    this.options.logs.note(spec.jobId, `Downloading ${spec.image}…`);
    const tracker = new PullProgressTracker(spec.jobId, spec.image);
    const interval = this.options.progressIntervalMs ?? 200;
    let lastSentMs = 0;
    const send = () => {
      lastSentMs = this.options.nowMs();
      this.options.events.pullProgress.fire(tracker.snapshot());
    };
    send();
    await this.options.engine.pullImage(
      spec.image,
      (message) => {
        if (tracker.apply(message) && this.options.nowMs() - lastSentMs >= interval) send();
      },
      signal,
    );
    tracker.finish();
    send();
  }

  async ensureNetwork(spec: JobSpec): Promise<void> {
    const names = jobResourceNames(this.options.workerId, spec.leaseId, spec.jobId);
    try {
      await this.options.engine.createNetwork({
        name: names.network,
        labels: leaseLabels(this.options.workerId, spec.leaseId),
        internal: !spec.egress,
      });
    } catch (error) {
      // Another job of the same lease made it first: containers of a lease share it.
      if (error instanceof EngineError && error.statusCode === 409) return;
      throw error;
    }
  }

  /** SIGTERM, the job's grace period, SIGKILL; a paused container is unpaused first so it can act on SIGTERM. */
  async stopContainer(spec: JobSpec, containerId: string): Promise<void> {
    try {
      const details = await this.options.engine.inspectContainer(containerId);
      // A paused process cannot act on SIGTERM: let it run for its grace period.
      if (details?.state.paused) await this.options.engine.unpauseContainer(containerId);
      await this.options.engine.stopContainer(containerId, spec.stopGraceMs);
    } catch (error) {
      this.options.logger.warn({ err: error, jobId: spec.jobId }, 'stopping a job failed');
    }
  }

  /** Removes the container, the scratch and outputs volumes and, unless another job of the lease still uses it, the lease network. */
  async remove(spec: JobSpec, containerId: string | null, leaseStillUsed: () => boolean, beforeNetwork?: () => Promise<void>): Promise<void> {
    const names = jobResourceNames(this.options.workerId, spec.leaseId, spec.jobId);
    const attempts: Array<() => Promise<void>> = [
      () => this.options.engine.removeContainer(containerId ?? names.container),
      () => this.options.engine.removeVolume(names.volume),
      () => this.options.engine.removeVolume(names.outputs),
    ];
    for (const attempt of attempts) {
      try {
        await attempt();
      } catch (error) {
        // Left for the reconciler, which runs again when the engine is back.
        this.options.logger.warn({ err: error, jobId: spec.jobId }, 'cleaning up a job failed');
      }
    }
    try {
      await beforeNetwork?.();
    } catch (error) {
      this.options.logger.warn({ err: error, jobId: spec.jobId }, 'removing the lease mesh failed');
    }
    if (!leaseStillUsed()) {
      try {
        await this.options.engine.removeNetwork(names.network);
      } catch (error) {
        // 403/409: a container of the lease still uses it; the last one removes it.
        if (!(error instanceof EngineError && error.statusCode !== null && error.statusCode < 500)) {
          this.options.logger.warn({ err: error, network: names.network }, 'removing a job network failed');
        }
      }
    }
  }
}
