import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { expect, it } from 'vitest';
import type { Job } from '../../common/worker/job';
import type { JobSpecInput } from '../../common/worker/job-spec';
import { jobLabels } from './job-resources';
import {
  describeWithDocker,
  dockerTestEnv,
  eventually,
  leftovers,
  rawDocker,
  startTestWorker,
  testSpec,
} from './test-support/docker-test-support';
import { buildBusyboxImage, pushImage } from '../../scripts/test-env/docker-env.mjs';
import { startThrottledProxy } from '../../scripts/test-env/throttled-proxy.mjs';

const root = join(__dirname, '..', '..');

/**
 * Runs a worker in a child process, lets it start `spec`, then kills it with SIGKILL:
 * no shutdown code runs, exactly as in a crash. Returns its data dir and what it said.
 */
async function startJobThenCrash(spec: JobSpecInput, until: 'running' | 'pulling' = 'running'): Promise<{ dataDir: string; workerId: string; job: Job }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'idlegrid-crash-'));
  // node itself with tsx as a loader (not the tsx wrapper, whose child would outlive the kill).
  const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'test-support', 'crash-worker.ts'), dataDir, JSON.stringify(spec), until], {
    cwd: root,
    env: { ...process.env, DOCKER_HOST: dockerTestEnv.dockerHost },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const firstLine = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`crash-worker did not start the job within 60 s: ${stderr}`));
    }, 60_000);
    const lines = createInterface({ input: child.stdout });
    lines.once('line', (line) => {
      clearTimeout(timer);
      resolve(line);
    });
    child.once('exit', (code) => reject(new Error(`crash-worker exited (${code}) before starting the job: ${stderr}`)));
  });
  child.kill('SIGKILL');
  await exited;
  const said = JSON.parse(firstLine) as { workerId: string; job: Job };
  expect(said.job.state).toBe(until);
  return { dataDir, ...said };
}

describeWithDocker('Crash safety: the worker reconciles Docker with the jobs table at start', () => {
  it('after kill -9, re-adopts the running job of a valid lease, follows it, and cleans up when it stops', async () => {
    const spec = testSpec({ command: ['sh', '-c', 'echo started; while true; do sleep 0.2; done'] });
    const crashed = await startJobThenCrash(spec);
    // The process is gone; its container runs on.
    expect((await rawDocker().getContainer(crashed.job.containerId!).inspect()).State.Running).toBe(true);

    const t = await startTestWorker({ dataDir: crashed.dataDir });
    try {
      expect(t.worker.workerId).toBe(crashed.workerId);
      const job = t.worker.job(spec.jobId);
      expect(job).toMatchObject({ state: 'running', containerId: crashed.job.containerId });
      // Its output is followed again (what Docker kept of it).
      await eventually(() => t.worker.jobLogs(spec.jobId).lines.some((l) => l.text === 'started'), 20_000, 'the adopted job\'s logs');

      const stopped = await t.worker.stopJob(spec.jobId);
      expect(stopped).toMatchObject({ state: 'stopped', endReason: 'owner-stopped' });
      // One run, one record: running once (re-adopting adds no transition), then the stop.
      const states = t.worker.history(spec.jobId).map((h) => h.state);
      expect(states.filter((s) => s === 'running')).toHaveLength(1);
      expect(states.slice(-3)).toEqual(['running', 'stopping', 'stopped']);
      expect(await leftovers(t.worker.workerId)).toEqual({ containers: [], volumes: [], networks: [] });
    } finally {
      await t.close();
    }
  });

  it('after kill -9, stops and removes the job of a lease that is no longer valid: no orphan container, network or volume', async () => {
    const spec = testSpec({ command: ['sleep', '600'] });
    const crashed = await startJobThenCrash(spec);
    expect(await leftovers(crashed.workerId)).toMatchObject({ containers: [expect.any(String)], volumes: [], networks: [expect.any(String)] });

    const t = await startTestWorker({ dataDir: crashed.dataDir, leaseValidity: { isValid: () => false } });
    try {
      expect(t.worker.job(spec.jobId)).toMatchObject({ state: 'stopped', endReason: 'lease-ended', message: 'The lease ended.' });
      expect(await leftovers(t.worker.workerId)).toEqual({ containers: [], volumes: [], networks: [] });
    } finally {
      await t.close();
    }
  });

  // Issue 19, item 4: a kill during the image download used to settle the job as
  // "interrupted" at the next start, and the paid lease failed.
  it('after kill -9 during the image pull, resumes the job of a valid lease: pulls again and runs it', async () => {
    const image = `${dockerTestEnv.registry}/idlegrid/resume-pull:${Date.now().toString(36)}`;
    await buildBusyboxImage({ dockerHost: dockerTestEnv.dockerHost, ref: image, extraBytes: 16 * 1024 * 1024 });
    pushImage({ dockerHost: dockerTestEnv.dockerHost, ref: image, removeLocal: true });
    // Through a 2 MB/s proxy the download takes seconds: the kill lands in the middle of it.
    const proxy = await startThrottledProxy({ target: dockerTestEnv.registry, bytesPerSecond: 2 * 1024 * 1024 });
    const slowImage = image.replace(dockerTestEnv.registry, proxy.address);
    try {
      const spec = testSpec({ image: slowImage, command: ['sh', '-c', 'echo resumed-and-ran'] });
      const crashed = await startJobThenCrash(spec, 'pulling');

      const t = await startTestWorker({ dataDir: crashed.dataDir });
      try {
        const job = await t.worker.runner.whenEnded(spec.jobId);
        expect(job).toMatchObject({ state: 'succeeded', endReason: 'exited', exitCode: 0 });
        expect(t.worker.jobLogs(spec.jobId).lines.some((l) => l.text === 'resumed-and-ran')).toBe(true);
        expect(t.worker.jobLogs(spec.jobId).lines.some((l) => l.stream === 'worker' && /download again/.test(l.text))).toBe(true);
        const states = t.worker.history(spec.jobId).map((h) => h.state);
        expect(states.filter((s) => s === 'interrupted' || s === 'failed')).toEqual([]);
        expect(states.slice(-3)).toEqual(['creating', 'running', 'succeeded']);
        expect(await leftovers(t.worker.workerId)).toEqual({ containers: [], volumes: [], networks: [] });
      } finally {
        await t.close();
      }
    } finally {
      await proxy.stop();
      await rawDocker().getImage(slowImage).remove({ force: true }).catch(() => undefined);
    }
  }, 120_000);

  it('after kill -9 during the image pull, ends the job of a lease that is no longer valid', async () => {
    const image = `${dockerTestEnv.registry}/idlegrid/resume-pull-invalid:${Date.now().toString(36)}`;
    await buildBusyboxImage({ dockerHost: dockerTestEnv.dockerHost, ref: image, extraBytes: 16 * 1024 * 1024 });
    pushImage({ dockerHost: dockerTestEnv.dockerHost, ref: image, removeLocal: true });
    const proxy = await startThrottledProxy({ target: dockerTestEnv.registry, bytesPerSecond: 2 * 1024 * 1024 });
    const slowImage = image.replace(dockerTestEnv.registry, proxy.address);
    try {
      const spec = testSpec({ image: slowImage, command: ['sh', '-c', 'echo should-not-run'] });
      const crashed = await startJobThenCrash(spec, 'pulling');
      const t = await startTestWorker({ dataDir: crashed.dataDir, leaseValidity: { isValid: () => false } });
      try {
        expect(t.worker.job(spec.jobId)).toMatchObject({ state: 'interrupted', endReason: 'worker-restarted' });
        expect(await leftovers(t.worker.workerId)).toEqual({ containers: [], volumes: [], networks: [] });
      } finally {
        await t.close();
      }
    } finally {
      await proxy.stop();
      await rawDocker().getImage(slowImage).remove({ force: true }).catch(() => undefined);
    }
  }, 120_000);

  it('records the exit of a job that ended while the app was down, once', async () => {
    const spec = testSpec({ command: ['sh', '-c', 'sleep 1; exit 7'] });
    const crashed = await startJobThenCrash(spec);
    await eventually(async () => !(await rawDocker().getContainer(crashed.job.containerId!).inspect()).State.Running, 20_000, 'the job to exit');

    const t = await startTestWorker({ dataDir: crashed.dataDir });
    try {
      expect(t.worker.job(spec.jobId)).toMatchObject({ state: 'failed', endReason: 'exited', exitCode: 7 });
      expect(t.worker.history(spec.jobId).filter((h) => h.state === 'failed')).toHaveLength(1);
      expect(await leftovers(t.worker.workerId)).toEqual({ containers: [], volumes: [], networks: [] });
      // A second start finds nothing more to do.
      const report = await t.worker.reconciler.reconcile();
      expect(report).toEqual({ adopted: [], resumed: [], settled: [], removedContainers: [], removedVolumes: [], removedNetworks: [] });
    } finally {
      await t.close();
    }
  });

  it('removes containers, volumes and networks labelled as its own that no job accounts for', async () => {
    const t = await startTestWorker();
    try {
      const docker = rawDocker();
      const labels = jobLabels(t.worker.workerId, 'lease-ghost', 'job-ghost');
      await docker.createNetwork({ Name: `ghost-net-${t.worker.workerId}`, Labels: labels });
      await docker.createVolume({ Name: `ghost-vol-${t.worker.workerId}`, Labels: labels });
      await docker.createContainer({ name: `ghost-${t.worker.workerId}`, Image: dockerTestEnv.testImage, Labels: labels }).catch(async () => {
        // The image may not be local yet in this worker's engine.
        await new Promise<void>((resolve, reject) =>
          docker.pull(dockerTestEnv.testImage, (e: unknown, s: NodeJS.ReadableStream) => (e ? reject(e) : docker.modem.followProgress(s, () => resolve()))),
        );
        return docker.createContainer({ name: `ghost-${t.worker.workerId}`, Image: dockerTestEnv.testImage, Labels: labels });
      });
      const report = await t.worker.reconciler.reconcile();
      expect(report.removedContainers).toEqual([`ghost-${t.worker.workerId}`]);
      expect(report.removedVolumes).toEqual([`ghost-vol-${t.worker.workerId}`]);
      expect(report.removedNetworks).toEqual([`ghost-net-${t.worker.workerId}`]);
      expect(await leftovers(t.worker.workerId)).toEqual({ containers: [], volumes: [], networks: [] });
    } finally {
      await t.close();
    }
  });
});
