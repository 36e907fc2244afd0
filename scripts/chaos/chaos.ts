// `npm run chaos` (not part of `npm test`): a bounded fault campaign over real processes —
// supplier workers killed with SIGKILL during the image pull and while the job runs, the
// data dir on a disk that fills up, dockerd restarted during a pull — on a private
// dockerd and registry; and the renter's app and the hub killed while a lease is
// auto-paid (chaos-market.ts: no double payment, a receipt for every transfer, budgets
// equal to what was paid). After each fault it checks the invariants: the job of a valid
// lease is not failed by a fault that was not the job's (no "pull-failed", nothing
// "interrupted" that could run), the worker process survives a full disk, and nothing of
// the worker is left in Docker (no orphan container, volume or network).
// Prints one JSON line last: {"runs", "violations", …}; exits 1 when a run violated one.
//   npm run chaos [-- --short] [-- --seconds 240] [-- --seed N]
import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import Docker from 'dockerode';
import { buildBusyboxImage, pushImage, startDockerTestEnv } from '../test-env/docker-env.mjs';
import type { DockerTestEnv } from '../test-env/docker-env.mjs';
import { startThrottledProxy } from '../test-env/throttled-proxy.mjs';
import { workerLabels } from '../../main/worker/job-resources';
import { mountSmallDisk } from '../../main/worker/test-support/full-disk';
import type { SmallDisk } from '../../main/worker/test-support/full-disk';
import type { Job } from '../../common/worker/job';
import { isTerminalJobState } from '../../common/worker/job';
import { marketScenarios } from './chaos-market';

const args = process.argv.slice(2);
const short = args.includes('--short');
const argValue = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const budgetMs = Number(argValue('--seconds') ?? (short ? 0 : 240)) * 1000;
const seed = Number(argValue('--seed') ?? Date.now() % 1_000_000);
const root = join(__dirname, '..', '..');

// A small seeded generator, so a failing campaign can be run again with its seed.
let state = seed || 1;
const random = () => {
  state = (state * 1103515245 + 12345) % 2 ** 31;
  return state / 2 ** 31;
};
const randomMs = (maxMs: number) => Math.floor(random() * maxMs);
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

interface Event {
  event: string;
  [key: string]: unknown;
}

/** A chaos-worker child process and what it said. */
class WorkerProcess {
  readonly events: Event[] = [];
  readonly exited: Promise<number | null>;
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly waiters = new Set<() => void>();
  exitCode: number | null | undefined = undefined;

  constructor(dataDir: string, dockerHost: string) {
    // node with tsx as a loader (not the tsx wrapper, whose child would outlive a SIGKILL).
    this.child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'chaos-worker.ts'), dataDir], {
      cwd: root,
      env: { ...process.env, DOCKER_HOST: dockerHost },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.child.stderr.resume();
    createInterface({ input: this.child.stdout }).on('line', (line) => {
      try {
        this.events.push(JSON.parse(line) as Event);
      } catch {
        return;
      }
      for (const wake of [...this.waiters]) wake();
    });
    this.exited = new Promise((resolve) =>
      this.child.once('exit', (code) => {
        this.exitCode = code;
        for (const wake of [...this.waiters]) wake();
        resolve(code);
      }),
    );
  }

  get alive(): boolean {
    return this.exitCode === undefined;
  }

  send(command: object): void {
    if (this.alive) this.child.stdin.write(`${JSON.stringify(command)}\n`);
  }

  /** The first event matching `match`, waiting at most `timeoutMs`; null on timeout or exit. */
  async waitFor(match: (e: Event) => boolean, timeoutMs: number): Promise<Event | null> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.events.find(match);
      if (found) return found;
      if (!this.alive || Date.now() >= deadline) return null;
      await new Promise<void>((resolve) => {
        const wake = () => {
          this.waiters.delete(wake);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(wake, Math.max(0, deadline - Date.now()));
        this.waiters.add(wake);
      });
    }
  }

  jobEnded(jobId: string, timeoutMs: number): Promise<Event | null> {
    return this.waitFor((e) => e.event === 'job' && (e.job as Job).id === jobId && isTerminalJobState((e.job as Job).state), timeoutMs);
  }

  async kill9(): Promise<void> {
    if (!this.alive) return;
    this.child.kill('SIGKILL');
    await this.exited;
  }

  async exit(): Promise<void> {
    if (!this.alive) return;
    this.send({ cmd: 'exit' });
    const done = await Promise.race([this.exited.then(() => true), sleep(20_000).then(() => false)]);
    if (!done) await this.kill9();
  }
}

interface Campaign {
  env: DockerTestEnv;
  docker: Docker;
  /** The big image behind the throttled proxy (pulls take seconds). */
  slowImage: string;
  processes: Set<WorkerProcess>;
  disks: Set<SmallDisk>;
}

let counter = 0;
function spec(image: string, command: string) {
  counter++;
  const id = `chaos-${seed}-${counter}`;
  return { jobId: id, leaseId: `lease-${id}`, image, command: ['sh', '-c', command], cpuCores: 0.5, memoryLimitMb: 64, tmpSizeMb: 8, scratchSizeMb: 8, maxDurationMs: 600_000, stopGraceMs: 1_000 };
}

function startWorker(c: Campaign, dataDir: string): WorkerProcess {
  const worker = new WorkerProcess(dataDir, c.env.dockerHost);
  c.processes.add(worker);
  return worker;
}

async function ready(worker: WorkerProcess): Promise<string> {
  const said = await worker.waitFor((e) => e.event === 'ready', 60_000);
  if (!said) throw new Error('a chaos worker did not start within 60 s');
  return said.workerId as string;
}

/** Containers, volumes and networks labelled as this worker's. */
async function orphans(c: Campaign, workerId: string): Promise<string[]> {
  const label = Object.entries(workerLabels(workerId)).map(([k, v]) => `${k}=${v}`);
  const [containers, volumes, networks] = await Promise.all([
    c.docker.listContainers({ all: true, filters: { label } }),
    c.docker.listVolumes({ filters: { label } }),
    c.docker.listNetworks({ filters: { label } }),
  ]);
  return [...containers.map((x) => `container ${x.Names[0]}`), ...(volumes.Volumes ?? []).map((v) => `volume ${v.Name}`), ...networks.map((n) => `network ${n.Name}`)];
}

async function dropLocalImage(c: Campaign): Promise<void> {
  await c.docker.getImage(c.slowImage).remove({ force: true }).catch(() => undefined);
}

/** Checks the ending of a job whose lease stayed valid throughout: it ran and exited 0. */
function checkRan(what: string, ended: Event | null, violations: string[]): void {
  if (!ended) return void violations.push(`${what}: the job did not end in time`);
  const job = ended.job as Job;
  if (job.state !== 'succeeded') violations.push(`${what}: the job of a valid lease ended ${job.state} (${job.endReason}): ${job.message}`);
}

type Scenario = (c: Campaign) => Promise<string[]>;

const scenarios: Record<string, Scenario> = {
  /** kill -9 at a random moment of the image pull; the restarted worker must run the job. */
  async 'kill-during-pull'(c) {
    const violations: string[] = [];
    const dataDir = mkdtempSync(join(tmpdir(), 'idlegrid-chaos-'));
    try {
      await dropLocalImage(c);
      const a = startWorker(c, dataDir);
      const workerId = await ready(a);
      const job = spec(c.slowImage, 'echo chaos-ok');
      a.send({ cmd: 'submit', spec: job });
      if (!(await a.waitFor((e) => e.event === 'pull' && e.jobId === job.jobId && (e.bytesDone as number) > 0, 60_000))) violations.push('kill-during-pull: the pull never began');
      await sleep(randomMs(2_000));
      await a.kill9();
      const b = startWorker(c, dataDir);
      await ready(b);
      checkRan('kill-during-pull', await b.jobEnded(job.jobId, 120_000), violations);
      await b.exit();
      for (const o of await orphans(c, workerId)) violations.push(`kill-during-pull: orphan ${o}`);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
    return violations;
  },

  /** kill -9 at a random moment while the job runs (it may end while nobody watches). */
  async 'kill-while-running'(c) {
    const violations: string[] = [];
    const dataDir = mkdtempSync(join(tmpdir(), 'idlegrid-chaos-'));
    try {
      const a = startWorker(c, dataDir);
      const workerId = await ready(a);
      const job = spec(c.env.testImage, 'sleep 2; echo chaos-ok');
      a.send({ cmd: 'submit', spec: job });
      if (!(await a.waitFor((e) => e.event === 'job' && (e.job as Job).id === job.jobId && (e.job as Job).state === 'running', 60_000))) {
        violations.push('kill-while-running: the job never ran');
      }
      await sleep(randomMs(4_000));
      await a.kill9();
      const b = startWorker(c, dataDir);
      await ready(b);
      const already = b.events.find((e) => e.event === 'ready')!.jobs as Job[];
      const settled = already.find((j) => j.id === job.jobId && isTerminalJobState(j.state));
      checkRan('kill-while-running', settled ? { event: 'job', job: settled } : await b.jobEnded(job.jobId, 60_000), violations);
      await b.exit();
      for (const o of await orphans(c, workerId)) violations.push(`kill-while-running: orphan ${o}`);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
    return violations;
  },

  /** The data dir's disk fills while a job runs: the worker must stay up, say so, and recover. */
  async 'disk-full'(c) {
    const violations: string[] = [];
    const disk = mountSmallDisk(6);
    c.disks.add(disk);
    try {
      const a = startWorker(c, disk.dir);
      const workerId = await ready(a);
      const job = spec(c.env.testImage, `sleep ${1 + randomMs(3)}; echo chaos-ok`);
      a.send({ cmd: 'submit', spec: job });
      await a.waitFor((e) => e.event === 'job' && (e.job as Job).id === job.jobId && (e.job as Job).state === 'running', 60_000);
      disk.fill();
      const failing = await a.waitFor((e) => e.event === 'storage' && (e.status as { state: string }).state === 'failing', 30_000);
      if (!a.alive) violations.push(`disk-full: the worker process died (exit ${a.exitCode}): ${JSON.stringify(a.events.find((e) => e.event === 'crash') ?? {})}`);
      else if (!failing) violations.push('disk-full: the worker never said the disk is full');
      disk.free();
      a.send({ cmd: 'reconcile' });
      const ended = await a.jobEnded(job.jobId, 60_000);
      if (a.alive && !ended) violations.push('disk-full: the job was never settled once there was room again');
      await a.exit();
      for (const o of await orphans(c, workerId)) violations.push(`disk-full: orphan ${o}`);
    } finally {
      disk.remove();
      c.disks.delete(disk);
    }
    return violations;
  },

  /** dockerd restarts at a random moment of the pull: the engine's doing, not the image's. */
  async 'dockerd-restart-during-pull'(c) {
    const violations: string[] = [];
    const dataDir = mkdtempSync(join(tmpdir(), 'idlegrid-chaos-'));
    try {
      await dropLocalImage(c);
      const a = startWorker(c, dataDir);
      const workerId = await ready(a);
      const job = spec(c.slowImage, 'echo chaos-ok');
      a.send({ cmd: 'submit', spec: job });
      await a.waitFor((e) => e.event === 'pull' && e.jobId === job.jobId && (e.bytesDone as number) > 0, 60_000);
      await sleep(randomMs(1_500));
      await c.env.restartDockerd();
      const ended = await a.jobEnded(job.jobId, 150_000);
      checkRan('dockerd-restart-during-pull', ended, violations);
      await a.exit();
      for (const o of await orphans(c, workerId)) violations.push(`dockerd-restart-during-pull: orphan ${o}`);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
    return violations;
  },
};

// The renter's app and the hub killed while a lease is auto-paid (scripts/chaos/chaos-market.ts).
for (const [name, run] of Object.entries(marketScenarios)) scenarios[name] = () => run(random);

async function main(): Promise<void> {
  const startedAtMs = Date.now();
  console.error(`[chaos] seed ${seed}; ${short ? 'short: each fault once' : `for ${budgetMs / 1000} s`}; starting a private dockerd and registry…`);
  const env = await startDockerTestEnv({ isolated: true, registry: true, nvidiaHook: false });
  const proxies: Array<{ stop(): Promise<void> }> = [];
  const campaign: Campaign = { env, docker: new Docker({ socketPath: env.dockerHost.replace(/^unix:\/\//, '') }), slowImage: '', processes: new Set(), disks: new Set() };
  const tally: Record<string, { runs: number; violations: number }> = {};
  const found: string[] = [];
  let runs = 0;
  try {
    const image = `${env.registry}/idlegrid/chaos:${seed}`;
    await buildBusyboxImage({ dockerHost: env.dockerHost, ref: image, dir: env.dir, extraBytes: 12 * 1024 * 1024 });
    pushImage({ dockerHost: env.dockerHost, ref: image, removeLocal: true });
    const proxy = await startThrottledProxy({ target: env.registry!, bytesPerSecond: 3 * 1024 * 1024 });
    proxies.push(proxy);
    campaign.slowImage = image.replace(env.registry!, proxy.address);

    const names = Object.keys(scenarios);
    // Short: each fault once, in a random order. Otherwise random faults until the budget is spent (at most 60 runs).
    const plan = short ? [...names].sort(() => random() - 0.5) : [];
    for (let i = 0; i < 60; i++) {
      const name = short ? plan[i] : names[Math.floor(random() * names.length)];
      if (!name || (!short && Date.now() - startedAtMs > budgetMs)) break;
      runs++;
      tally[name] ??= { runs: 0, violations: 0 };
      tally[name].runs++;
      const runStartedMs = Date.now();
      let violations: string[];
      try {
        violations = await Promise.race([
          scenarios[name]!(campaign),
          sleep(300_000).then(() => [`${name}: the run did not finish within 300 s`]),
        ]);
      } catch (error) {
        violations = [`${name}: ${error instanceof Error ? error.message : String(error)}`];
      }
      for (const worker of campaign.processes) await worker.kill9();
      campaign.processes.clear();
      tally[name].violations += violations.length;
      found.push(...violations);
      console.error(`[chaos] run ${runs} ${name}: ${violations.length === 0 ? 'ok' : violations.join('; ')} (${Math.round((Date.now() - runStartedMs) / 1000)} s)`);
    }
  } finally {
    for (const worker of campaign.processes) await worker.kill9();
    for (const disk of campaign.disks) disk.remove();
    for (const proxy of proxies) await proxy.stop();
    await env.stop();
  }
  console.log(JSON.stringify({ runs, violations: found.length, seed, durationMs: Date.now() - startedAtMs, scenarios: tally, found }));
  process.exit(found.length > 0 ? 1 : 0);
}

main().catch((error: unknown) => {
  console.error('[chaos] could not run:', error);
  console.log(JSON.stringify({ runs: 0, violations: 0, error: error instanceof Error ? error.message : String(error) }));
  process.exit(2);
});
