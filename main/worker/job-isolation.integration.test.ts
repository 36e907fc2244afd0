import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildBusyboxImage, pushImage } from '../../scripts/test-env/docker-env.mjs';
import {
  dockerTestEnv,
  describeWithDocker,
  leftovers,
  rawDocker,
  startTestWorker,
  testSpec,
} from './test-support/docker-test-support';
import type { TestWorker } from './test-support/docker-test-support';

const MIB = 1024 * 1024;

/**
 * Issue 14, item 5, replayed against a real dockerd: a job that writes far past its
 * scratch, a job that expects root, and a renter's image on the supplier's loopback
 * registry. Each asserts from inside the container (or at the refusal) what the job got.
 */
describeWithDocker('what a job may do on the supplier\'s machine (issue 14, item 5)', () => {
  let t: TestWorker;
  /** The owner who allows root jobs. */
  let rooted: TestWorker;
  /** The owner who allow-listed no registry at all. */
  let strict: TestWorker;

  beforeAll(async () => {
    [t, rooted, strict] = await Promise.all([
      startTestWorker(),
      startTestWorker({ allowRootJobs: () => true }),
      startTestWorker({ allowedRegistries: () => [] }),
    ]);
  }, 60_000);
  afterAll(async () => {
    for (const w of [t, rooted, strict]) {
      if (!w) continue;
      const workerId = w.worker.workerId;
      await w.close();
      expect(await leftovers(workerId)).toEqual({ containers: [], volumes: [], networks: [] });
    }
  }, 60_000);

  const lines = (w: TestWorker, jobId: string) => w.worker.jobLogs(jobId).lines.filter((l) => l.stream !== 'worker').map((l) => l.text);

  it('keeps a job inside its scratch: 200 MB written to 8 MB of scratch fail with ENOSPC and take at most 8 MB', async () => {
    const spec = testSpec({
      scratchSizeMb: 8,
      memoryLimitMb: 64,
      command: ['sh', '-c', 'dd if=/dev/zero of=/scratch/fill bs=1M count=200 2>&1; echo "dd-exit $?"; echo "bytes $(wc -c < /scratch/fill)"; df -k /scratch | tail -1'],
    });
    await t.worker.submit(spec);
    const job = await t.worker.runner.whenEnded(spec.jobId);
    expect(job.state).toBe('succeeded');
    const out = lines(t, spec.jobId);
    expect(out.join('\n')).toMatch(/No space left on device/);
    expect(out).toContain('dd-exit 1');
    const written = Number(out.find((l) => l.startsWith('bytes '))!.slice(6));
    expect(written).toBeGreaterThan(0);
    expect(written).toBeLessThanOrEqual(8 * MIB);
    // The worker reports it: the ending says the job hit its disk limit (the supplier passes it on).
    expect(job.message).toMatch(/filled its disk space \(8 MB of scratch at \/scratch, 8 MB at \/tmp\)/);
  }, 120_000);

  it('runs a job as nobody when its image names no user, as the image\'s USER otherwise, and never as root unasked', async () => {
    const image = `${dockerTestEnv.registry}/idlegrid/with-user:${Date.now().toString(36)}`;
    await buildBusyboxImage({ dockerHost: dockerTestEnv.dockerHost, ref: image, user: '4321:4321' });
    pushImage({ dockerHost: dockerTestEnv.dockerHost, ref: image, removeLocal: true });
    const rootImage = `${dockerTestEnv.registry}/idlegrid/user-root:${Date.now().toString(36)}`;
    await buildBusyboxImage({ dockerHost: dockerTestEnv.dockerHost, ref: rootImage, user: 'root' });
    pushImage({ dockerHost: dockerTestEnv.dockerHost, ref: rootImage, removeLocal: true });

    const idOf = async (w: TestWorker, overrides: Parameters<typeof testSpec>[0]) => {
      const spec = testSpec({ command: ['sh', '-c', 'echo "uid $(id -u) gid $(id -g)"; touch /scratch/mine && echo scratch-writable'], ...overrides });
      await w.worker.submit(spec);
      const job = await w.worker.runner.whenEnded(spec.jobId);
      expect(job.state, job.message ?? '').toBe('succeeded');
      return lines(w, spec.jobId);
    };
    expect(await idOf(t, {})).toEqual(['uid 65534 gid 65534', 'scratch-writable']);
    expect(await idOf(t, { image })).toEqual(['uid 4321 gid 4321', 'scratch-writable']);
    // An image that says USER root gets nobody all the same.
    expect(await idOf(t, { image: rootImage })).toEqual(['uid 65534 gid 65534', 'scratch-writable']);
    // Root only when the renter asks and the owner allows it.
    expect(await idOf(rooted, { image, runAsRoot: true })).toEqual(['uid 0 gid 0', 'scratch-writable']);

    const inspected = (await rawDocker().listContainers({ all: true })).length;
    await expect(t.worker.submit(testSpec({ runAsRoot: true }))).rejects.toMatchObject({
      code: 'conflict',
      reason: 'job_not_admitted',
      message: expect.stringMatching(/asks to run as root.*can allow root jobs in Lend's terms/),
    });
    // Refused before anything was made.
    expect((await rawDocker().listContainers({ all: true })).length).toBe(inspected);
  }, 180_000);

  it("refuses a renter's image from the supplier's loopback registry unless the owner allow-listed it", async () => {
    const port = dockerTestEnv.registry.split(':')[1]!;
    for (const image of [dockerTestEnv.testImage, `localhost:${port}/idlegrid/busybox:test`]) {
      await expect(strict.worker.submit(testSpec({ image }))).rejects.toMatchObject({
        code: 'conflict',
        reason: 'job_not_admitted',
        message: expect.stringMatching(/private network.*add "(127\.0\.0\.1|localhost):\d+" to the allowed registries in Settings/),
      });
    }
    expect(strict.worker.jobs(10)).toEqual([]);

    // The same image with that exact registry allow-listed runs.
    const allowed = await startTestWorker({ allowedRegistries: () => [dockerTestEnv.registry] });
    try {
      const spec = testSpec();
      await allowed.worker.submit(spec);
      expect((await allowed.worker.runner.whenEnded(spec.jobId)).state).toBe('succeeded');
    } finally {
      await allowed.close();
    }
  }, 120_000);
});
