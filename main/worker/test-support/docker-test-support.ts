import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import Docker from 'dockerode';
import { describe } from 'vitest';
import { EventBus } from '../../../common/event-bus';
import type { JobSpecInput } from '../../../common/worker/job-spec';
import { isTerminalJobState } from '../../../common/worker/job';
import type { Job } from '../../../common/worker/job';
import { openLedgerDb } from '../../ledger/ledger-db';
import { DockerEngine } from '../docker-engine';
import { parseDockerHost } from '../docker-endpoint';
import { workerLabels } from '../job-resources';
import { WorkerService } from '../worker-service';
import type { WorkerServiceDeps } from '../worker-service';
import { forwardWorkerEvents } from '../../app/ui-events';
import type { WorkerEventMap } from '../../app/ui-events';
import { createStderrLogger } from '../../logging/file-logger';

const stderrLogger = createStderrLogger();

/**
 * What `npm test` hands the integration tests (scripts/test.mjs starts the private
 * dockerd and registry of scripts/test-env/docker-env.mjs). Without them the Docker
 * tests are skipped, and say why.
 */
export const dockerTestEnv = {
  dockerHost: process.env.DOCKER_HOST ?? '',
  registry: process.env.IDLEGRID_TEST_REGISTRY ?? '',
  testImage: process.env.IDLEGRID_TEST_IMAGE ?? '',
  hookLog: process.env.IDLEGRID_HOOK_LOG ?? '',
};

export const dockerSkipReason: string | null =
  dockerTestEnv.dockerHost && dockerTestEnv.testImage && dockerTestEnv.registry && dockerTestEnv.hookLog
    ? null
    : 'DOCKER_HOST, IDLEGRID_TEST_REGISTRY, IDLEGRID_TEST_IMAGE and IDLEGRID_HOOK_LOG are not set: run `npm test` ' +
      '(it starts a private dockerd and registry when docker.io, docker-registry and busybox-static are installed), ' +
      'or node scripts/test-env/with-docker-env.mjs npx vitest run main/worker';

/** `describe` for tests that need the Docker test environment; skipped with a printed reason without it. */
export function describeWithDocker(name: string, body: () => void): void {
  if (dockerSkipReason) console.warn(`[skip] ${name}: ${dockerSkipReason}`);
  describe.skipIf(dockerSkipReason !== null)(name, body);
}

/** A recorder of the worker's events, for assertions on what the UI would have seen. */
export class RecordedEvents implements Pick<EventBus<WorkerEventMap>, 'emit'> {
  readonly bus = new EventBus<WorkerEventMap>((event, error) => stderrLogger.error({ err: error, event }, 'an event listener threw'));
  readonly all: Array<{ event: keyof WorkerEventMap; data: unknown }> = [];

  emit<E extends keyof WorkerEventMap>(event: E, data: WorkerEventMap[E]): void {
    this.all.push({ event, data });
    this.bus.emit(event, data);
  }

  of<E extends keyof WorkerEventMap>(event: E): Array<WorkerEventMap[E]> {
    return this.all.filter((e) => e.event === event).map((e) => e.data as WorkerEventMap[E]);
  }
}

export interface TestWorker {
  worker: WorkerService;
  events: RecordedEvents;
  db: Database.Database;
  dataDir: string;
  /** Stops the worker (detach, as the app does at quit) and closes the db; keeps the dir when asked. */
  close(options?: { keepDir?: boolean }): Promise<void>;
}

/** A worker on its own ledger.db (so its own worker id) against the test dockerd. */
export async function startTestWorker(
  options: Partial<WorkerServiceDeps> & { dataDir?: string; dockerHost?: string } = {},
): Promise<TestWorker> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'idlegrid-worker-'));
  const db = openLedgerDb(join(dataDir, 'ledger.db'));
  const events = new RecordedEvents();
  const worker = new WorkerService({
    db,
    logger: stderrLogger,
    engine: new DockerEngine(parseDockerHost(options.dockerHost ?? dockerTestEnv.dockerHost)),
    probeImage: dockerTestEnv.testImage,
    diskReserveBytes: () => 0,
    // The test registries and their throttling proxies are on 127.0.0.1 (any port): allowed
    // here as an owner allows theirs in Settings. The registry-policy tests pass their own list.
    allowedRegistries: () => ['127.0.0.1:*'],
    initialBackoffMs: 200,
    maxBackoffMs: 1_000,
    ...options,
  });
  forwardWorkerEvents(worker, events);
  await worker.start();
  return {
    worker,
    events,
    db,
    dataDir,
    async close(closeOptions = {}) {
      await worker.stop();
      db.close();
      if (!closeOptions.keepDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Resolves when the job runs; fails with the job's own message if it ended instead. */
export async function untilRunning(worker: WorkerService, jobId: string): Promise<Job> {
  const job = await worker.runner.waitFor(jobId, (j) => j.state === 'running' || isTerminalJobState(j.state));
  if (job.state !== 'running') throw new Error(`Job ${jobId} ended (${job.state}) instead of running: ${job.message}`);
  return job;
}

let counter = 0;
/** A job spec with small limits and an id no other test uses. */
export function testSpec(overrides: Partial<JobSpecInput> = {}): JobSpecInput {
  counter++;
  const id = `t${process.pid}-${Date.now().toString(36)}-${counter}`;
  return {
    jobId: id,
    leaseId: `lease-${id}`,
    image: dockerTestEnv.testImage,
    command: ['sh', '-c', 'echo hello'],
    cpuCores: 0.5,
    memoryLimitMb: 64,
    tmpSizeMb: 8,
    scratchSizeMb: 8,
    maxDurationMs: 600_000,
    stopGraceMs: 1_000,
    ...overrides,
  };
}

export function rawDocker(dockerHost = dockerTestEnv.dockerHost): Docker {
  return new Docker({ socketPath: dockerHost.replace(/^unix:\/\//, '') });
}

/** Everything in Docker that carries this worker's labels. */
export async function leftovers(workerId: string, dockerHost = dockerTestEnv.dockerHost) {
  const docker = rawDocker(dockerHost);
  const label = Object.entries(workerLabels(workerId)).map(([k, v]) => `${k}=${v}`);
  const [containers, volumes, networks] = await Promise.all([
    docker.listContainers({ all: true, filters: { label } }),
    docker.listVolumes({ filters: { label } }),
    docker.listNetworks({ filters: { label } }),
  ]);
  return {
    containers: containers.map((c) => c.Names[0]),
    volumes: (volumes.Volumes ?? []).map((v) => v.Name),
    networks: networks.map((n) => n.Name),
  };
}

/** Polls until `check` returns a value (not undefined/false) or throws after `timeoutMs`. */
export async function eventually<T>(check: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 30_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown = null;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`Timed out waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
