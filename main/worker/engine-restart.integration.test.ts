import { afterAll, beforeAll, expect, it } from 'vitest';
import { isTerminalJobState } from '../../common/worker/job';
import type { EngineStatus } from '../../common/worker/job';
import { buildBusyboxImage, dockerToolsAvailable, pushImage, startDockerTestEnv } from '../../scripts/test-env/docker-env.mjs';
import { startThrottledProxy } from '../../scripts/test-env/throttled-proxy.mjs';
import type { DockerTestEnv } from '../../scripts/test-env/docker-env.mjs';
import { describeWithDocker, eventually, leftovers, startTestWorker, testSpec, untilRunning } from './test-support/docker-test-support';
import type { TestWorker } from './test-support/docker-test-support';

// Restarting dockerd would break every other test on the shared engine, so each case
// here starts a daemon of its own (isolated: no docker0 bridge, no iptables).
const tools = dockerToolsAvailable();

function engineStates(t: TestWorker): string[] {
  return t.events.of('worker:engine').map((s: EngineStatus) => s.state);
}

describeWithDocker('Docker restarted mid-job', () => {
  if (!tools.ok) console.warn(`[skip] private dockerd for restart tests: missing ${tools.missing.join(', ')}`);

  describeRestart('without live-restore: the job is recorded as interrupted, cleaned up, and the worker carries on', false, (ctx) => {
    it('records the interruption, leaves nothing behind, and runs the next job', async () => {
      const { env, t } = ctx();
      const spec = testSpec({ image: env.testImage, command: ['sh', '-c', 'i=0; while true; do echo "tick $i"; i=$((i+1)); sleep 0.2; done'] });
      await t.worker.submit(spec);
      await untilRunning(t.worker, spec.jobId);
      await eventually(() => t.worker.jobLogs(spec.jobId).lines.some((l) => l.text === 'tick 2'), 20_000, 'the job to print');

      await env.restartDockerd();
      const job = await t.worker.runner.whenEnded(spec.jobId);
      expect(job).toMatchObject({ state: 'interrupted', endReason: 'engine-restarted' });
      expect(job.message).toMatch(/^Docker restarted and stopped the job's container/);
      // The worker saw Docker go and come back, and reconciled: nothing of the job is left.
      await eventually(() => t.worker.engineStatus().state === 'connected', 30_000, 'the worker to reconnect');
      expect(engineStates(t)).toEqual(expect.arrayContaining(['connected', 'disconnected']));
      expect(engineStates(t).lastIndexOf('connected')).toBeGreaterThan(engineStates(t).indexOf('disconnected'));
      await eventually(async () => {
        const left = await leftovers(t.worker.workerId, env.dockerHost);
        return left.containers.length + left.volumes.length + left.networks.length === 0;
      }, 30_000, 'the interrupted job\'s resources to be removed');

      const next = testSpec({ image: env.testImage, command: ['sh', '-c', 'echo after restart'] });
      await t.worker.submit(next);
      expect(await t.worker.runner.whenEnded(next.jobId)).toMatchObject({ state: 'succeeded' });
    }, 120_000);
  });

  describeRestart('with live-restore: the job keeps running and the worker follows it again', true, (ctx) => {
    it('re-attaches to logs and exit, and the job finishes normally', async () => {
      const { env, t } = ctx();
      const spec = testSpec({
        image: env.testImage,
        command: ['sh', '-c', 'i=0; while [ $i -lt 40 ]; do echo "tick $i"; i=$((i+1)); sleep 0.25; done; echo done'],
      });
      await t.worker.submit(spec);
      await untilRunning(t.worker, spec.jobId);
      await eventually(() => t.worker.jobLogs(spec.jobId).lines.some((l) => l.text === 'tick 1'), 20_000, 'the job to print');

      await env.restartDockerd();
      const job = await t.worker.runner.whenEnded(spec.jobId);
      expect(job).toMatchObject({ state: 'succeeded', endReason: 'exited', exitCode: 0 });
      expect(engineStates(t)).toContain('disconnected');
      const lines = t.worker.jobLogs(spec.jobId).lines;
      expect(lines.some((l) => l.stream === 'worker' && /Docker is back/.test(l.text))).toBe(true);
      expect(lines.filter((l) => l.stream === 'stdout').pop()?.text).toBe('done');
      expect(t.worker.history(spec.jobId).map((h) => h.state).filter((s) => isTerminalJobState(s))).toEqual(['succeeded']);
      expect(await leftovers(t.worker.workerId, env.dockerHost)).toEqual({ containers: [], volumes: [], networks: [] });
    }, 120_000);
  });

  // Issue 19, item 10: a Docker restart during the image pull used to end the job as
  // "pull-failed", which the hub counts against the renter's image.
  describeRestart('during the image pull: the engine, not the renter\'s image, is the cause', false, (ctx) => {
    it('starts the job over when Docker is back, and never reports it as the image\'s fault', async () => {
      const { env, t } = ctx();
      const image = `${env.registry}/idlegrid/restart-pull:${Date.now().toString(36)}`;
      await buildBusyboxImage({ dockerHost: env.dockerHost, ref: image, dir: env.dir, extraBytes: 24 * 1024 * 1024 });
      pushImage({ dockerHost: env.dockerHost, ref: image, removeLocal: true });
      const proxy = await startThrottledProxy({ target: env.registry!, bytesPerSecond: 2 * 1024 * 1024 });
      try {
        const spec = testSpec({ image: image.replace(env.registry!, proxy.address), command: ['sh', '-c', 'echo ran-after-restart'] });
        const downloading = new Promise<void>((resolve) => t.worker.onPullProgress((p) => p.jobId === spec.jobId && p.bytesDone > 0 && resolve()));
        await t.worker.submit(spec);
        await downloading;
        await env.restartDockerd();

        const job = await t.worker.runner.whenEnded(spec.jobId);
        const history = t.worker.history(spec.jobId);
        expect(history.filter((h) => h.reason === 'pull-failed')).toEqual([]);
        expect(job).toMatchObject({ state: 'succeeded', endReason: 'exited' });
        expect(t.worker.jobLogs(spec.jobId).lines.some((l) => l.text === 'ran-after-restart')).toBe(true);
        expect(await leftovers(t.worker.workerId, env.dockerHost)).toEqual({ containers: [], volumes: [], networks: [] });
      } finally {
        await proxy.stop();
      }
    }, 180_000);
  }, true);
});

function describeRestart(name: string, liveRestore: boolean, body: (ctx: () => { env: DockerTestEnv; t: TestWorker }) => void, registry = false): void {
  describeWithDocker(name, () => {
    let env: DockerTestEnv | null = null;
    let t: TestWorker | null = null;
    beforeAll(async () => {
      env = await startDockerTestEnv({ isolated: true, registry, nvidiaHook: false, liveRestore });
      t = await startTestWorker({ dockerHost: env.dockerHost, probeImage: env.testImage });
    }, 120_000);
    afterAll(async () => {
      await t?.close();
      await env?.stop();
    }, 120_000);
    body(() => ({ env: env!, t: t! }));
  });
}
