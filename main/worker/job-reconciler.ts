import type { ContainerEngine } from './container-engine';
import type { JobRunner } from './job-runner';
import type { JobStore } from './job-store';
import { LABEL, workerLabels } from './job-resources';
import type { LeaseValidity } from './lease-validity';
import type { Logger } from '../../common/logger';

export interface ReconcileReport {
  adopted: string[];
  /** Jobs of valid leases that had not started (cut off during the pull): started over. */
  resumed: string[];
  /** Jobs ended by the reconcile (finished while unwatched, lease over, container gone). */
  settled: string[];
  removedContainers: string[];
  removedVolumes: string[];
  removedNetworks: string[];
}

/** A job in these states has no container that ever ran. */
const NOT_STARTED = new Set<string>(['queued', 'pulling', 'creating']);

export interface JobReconcilerDeps {
  engine: ContainerEngine;
  logger: Logger;
  store: JobStore;
  runner: JobRunner;
  workerId: string;
  leaseValidity: LeaseValidity;
  nowMs: () => number;
}

/**
 * Makes Docker and the jobs table agree, at start and whenever the engine comes back.
 * For each job the table says is active but nobody watches: a running container of a
 * valid lease is adopted; a job of a valid lease that never started is resumed (pulled
 * again); one whose lease is over is stopped; an ended or missing
 * container ends the job with what Docker says. Then everything carrying this
 * worker's labels that no watched job owns — containers, scratch volumes, lease
 * networks — is removed: nothing is left orphaned, and no job is counted twice
 * because the table, not Docker, is the record.
 */
export class JobReconciler {
  private running: Promise<ReconcileReport> | null = null;
  private again = false;

  constructor(private readonly options: JobReconcilerDeps) {}

  /** One reconcile at a time; a call during one runs once more after it. */
  reconcile(): Promise<ReconcileReport> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        let report = await this.pass();
        while (this.again) {
          this.again = false;
          report = await this.pass();
        }
        return report;
      } finally {
        this.running = null;
      }
    })();
    return this.running;
  }

  private async pass(): Promise<ReconcileReport> {
    const { engine, store, runner, workerId } = this.options;
    const report: ReconcileReport = { adopted: [], resumed: [], settled: [], removedContainers: [], removedVolumes: [], removedNetworks: [] };
    const mine = workerLabels(workerId);

    const containers = await engine.listContainers(mine);
    const containerOfJob = new Map(containers.filter((c) => c.labels[LABEL.job]).map((c) => [c.labels[LABEL.job]!, c]));

    for (const record of store.active()) {
      const jobId = record.job.id;
      if (runner.isWatching(jobId)) continue;
      const summary = containerOfJob.get(jobId);
      const details = summary ? await engine.inspectContainer(summary.id) : null;
      if (details && (details.state.running || details.state.paused)) {
        if (this.options.leaseValidity.isValid(record.job, this.options.nowMs())) {
          runner.adopt(record, details);
          report.adopted.push(jobId);
          continue;
        }
        if (details.state.paused) await engine.unpauseContainer(details.id);
        await engine.stopContainer(details.id, record.spec.stopGraceMs);
        await runner.settle(record, await engine.inspectContainer(details.id), 'lease-ended');
      } else if (
        NOT_STARTED.has(record.job.state) &&
        (!details || details.state.startedAtMs === null) &&
        runner.canStartOver(jobId) &&
        this.options.leaseValidity.isValid(record.job, this.options.nowMs())
      ) {
        // Cut off before it ran (app or Docker restarted during the pull): a paid lease
        // is not failed for that; its job starts over. A created, never-started container goes first.
        if (details) await engine.removeContainer(details.id);
        runner.startOver(record, runner.wasEngineLost(jobId) ? 'engine' : 'app');
        report.resumed.push(jobId);
        continue;
      } else {
        await runner.settle(record, details);
      }
      report.settled.push(jobId);
    }

    // Whatever is labelled as ours and owned by no watched job goes.
    const leases = runner.watchingLeases();
    for (const container of await engine.listContainers(mine)) {
      const jobId = container.labels[LABEL.job];
      if (jobId && runner.isWatching(jobId)) continue;
      // A lease's mesh sidecar, kept while the lease is reserved or its job runs.
      const leaseId = container.labels[LABEL.lease];
      if (!jobId && leaseId && (leases.has(leaseId) || runner.holdsMesh(leaseId))) continue;
      await this.attempt(() => engine.removeContainer(container.id), report.removedContainers, container.name);
    }
    for (const volume of await engine.listVolumes(mine)) {
      const jobId = volume.labels[LABEL.job];
      if (jobId && runner.isWatching(jobId)) continue;
      await this.attempt(() => engine.removeVolume(volume.name), report.removedVolumes, volume.name);
    }
    for (const network of await engine.listNetworks(mine)) {
      const leaseId = network.labels[LABEL.lease];
      if (leaseId && (leases.has(leaseId) || runner.holdsMesh(leaseId))) continue;
      await this.attempt(() => engine.removeNetwork(network.id), report.removedNetworks, network.name);
    }
    return report;
  }

  private async attempt(action: () => Promise<void>, done: string[], name: string): Promise<void> {
    try {
      await action();
      done.push(name);
    } catch (error) {
      // Tried again on the next reconcile (next start, next reconnect).
      this.options.logger.warn({ err: error, container: name }, 'reconcile could not remove a container');
    }
  }
}
