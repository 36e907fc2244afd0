import { afterAll, beforeAll, expect, it } from 'vitest';
import { startDockerTestEnv } from '../../scripts/test-env/docker-env.mjs';
import type { DockerTestEnv } from '../../scripts/test-env/docker-env.mjs';
import { describeWithDocker, dockerTestEnv, leftovers, startTestWorker } from './test-support/docker-test-support';
import { findStaticBusybox } from './probe-image';
import { execFileSync } from 'node:child_process';
import type { TestWorker } from './test-support/docker-test-support';

const GPUS = ['GPU-6f1c4e43-2b9d-4c8f-9f2e-3a5b7c9d1e20'];

describeWithDocker('Setup doctor and "Run a test job" against a Docker with the NVIDIA hook', () => {
  let t: TestWorker;
  beforeAll(async () => {
    t = await startTestWorker({ gpuUuids: () => GPUS });
  });
  afterAll(async () => {
    const workerId = t?.worker.workerId;
    await t?.close();
    if (workerId) expect(await leftovers(workerId)).toEqual({ containers: [], volumes: [], networks: [] });
  });

  it('finds Docker, GPU passthrough and disk all in order', async () => {
    const report = await t.worker.runDoctor();
    expect(report.ready).toBe(true);
    expect(report.checks.map((c) => [c.id, c.status])).toEqual([
      ['docker', 'ok'],
      ['gpu-runtime', 'ok'],
      ['disk', 'ok'],
      ['storage', 'ok'],
      // The cluster mesh: ok where WireGuard's tools are installed, a warning (not a failure) where not.
      ['mesh', expect.stringMatching(/^(ok|warn)$/)],
    ]);
    expect(report.checks[0]!.summary).toMatch(/^Docker 20\.10\.\S+ is running \(API 1\.41/);
    // It says what the container saw, not just that it started.
    expect(report.checks[1]!.summary).toBe(`Containers can use this machine's GPUs (1 tested): the test container saw ${GPUS[0]}.`);
    expect(t.events.of('worker:doctor')).toContainEqual(report);
    expect(t.worker.lastDoctorReport()).toEqual(report);
  });

  it('makes its test image here from the static busybox on this machine (no registry) and runs the check and the test job on it', async () => {
    const busybox = findStaticBusybox();
    if (!busybox) {
      console.warn('[skip] no static busybox on this machine (apt-get install busybox-static): the probe image cannot be made here');
      return;
    }
    const own = await startTestWorker({ gpuUuids: () => GPUS, probeImage: undefined });
    try {
      const report = await own.worker.runDoctor();
      expect(report.ready).toBe(true);
      expect(report.checks.find((c) => c.id === 'gpu-runtime')!.summary).toBe(`Containers can use this machine's GPUs (1 tested): the test container saw ${GPUS[0]}.`);
      const images = execFileSync('docker', ['images', '--format', '{{.Repository}}:{{.Tag}}', 'idlegrid/probe'], { env: { ...process.env, DOCKER_HOST: dockerTestEnv.dockerHost }, encoding: 'utf8' }).trim().split('\n');
      expect(images).toHaveLength(1);
      expect(images[0]).toMatch(/^idlegrid\/probe:[0-9a-f]{16}$/);
      const result = await own.worker.runTestJob();
      expect(result).toMatchObject({ ok: true, job: { state: 'succeeded', image: images[0] } });
      expect(result.output).toContain('scratch volume writable');
    } finally {
      await own.close();
    }
  });

  it('fails the disk check, with a fix, when free space is under the reserve', async () => {
    const strict = await startTestWorker({ diskReserveBytes: () => Number.MAX_SAFE_INTEGER });
    try {
      const disk = (await strict.worker.runDoctor()).checks.find((c) => c.id === 'disk')!;
      expect(disk.status).toBe('fail');
      expect(disk.summary).toMatch(/^Only [\d.]+ GB is free on Docker's disk \(.+\); Idlegrid keeps [\d.]+ GB free for you, so no job can start\.$/);
      expect(disk.fix).toMatch(/docker system prune/);
    } finally {
      await strict.close();
    }
  });

  it('runs a test job end to end with the GPUs and shows what it printed', async () => {
    const result = await t.worker.runTestJob();
    expect(result.ok).toBe(true);
    expect(result.finding).toBeNull();
    expect(result.job).toMatchObject({ state: 'succeeded', isTest: true, gpuUuids: GPUS });
    expect(result.output).toEqual([
      expect.stringMatching(/^Idlegrid test job running in test-/),
      `GPUs given to this job: ${GPUS[0]}`,
      'scratch volume writable',
    ]);
  });
});

describeWithDocker('Setup doctor against a Docker without the NVIDIA Container Toolkit', () => {
  let env: DockerTestEnv;
  let t: TestWorker;
  beforeAll(async () => {
    // A daemon of its own, started without the hook on its PATH: as on a machine
    // where the toolkit was never installed.
    env = await startDockerTestEnv({ isolated: true, registry: false, nvidiaHook: false });
    t = await startTestWorker({ dockerHost: env.dockerHost, probeImage: env.testImage, gpuUuids: () => GPUS });
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    await env?.stop();
  }, 120_000);

  it('recognises "could not select device driver" and says how to install the toolkit', async () => {
    const report = await t.worker.runDoctor();
    expect(report.ready).toBe(false);
    const gpu = report.checks.find((c) => c.id === 'gpu-runtime')!;
    expect(gpu.status).toBe('fail');
    expect(gpu.summary).toBe('Docker cannot give containers a GPU: the NVIDIA Container Toolkit is not installed.');
    expect(gpu.fix).toMatch(/Install the NVIDIA Container Toolkit .*nvidia-ctk runtime configure --runtime=docker/);
    expect(gpu.detail).toMatch(/could not select device driver "nvidia" with capabilities/);
    expect(report.checks.find((c) => c.id === 'docker')!.status).toBe('ok');
  });

  it('a test job with GPUs fails with the doctor\'s finding, and leaves nothing behind', async () => {
    const result = await t.worker.runTestJob();
    expect(result.ok).toBe(false);
    expect(result.job).toMatchObject({ state: 'failed', endReason: 'start-failed' });
    expect(result.job.message).toMatch(/NVIDIA Container Toolkit is not installed/);
    expect(result.finding).toMatchObject({ id: 'gpu-runtime', status: 'fail' });
    expect(await leftovers(t.worker.workerId, env.dockerHost)).toEqual({ containers: [], volumes: [], networks: [] });
  });

  it('a machine without NVIDIA GPUs skips the GPU check and says why', async () => {
    const cpuOnly = await startTestWorker({ dockerHost: env.dockerHost, probeImage: env.testImage, gpuUuids: () => [] });
    try {
      const gpu = (await cpuOnly.worker.runDoctor()).checks.find((c) => c.id === 'gpu-runtime')!;
      expect(gpu).toMatchObject({ status: 'skipped', summary: 'No GPU that can be lent was found on this machine, so jobs run on the CPU only.' });
    } finally {
      await cpuOnly.close();
    }
  });
});

describeWithDocker('Setup doctor when Docker is not there', () => {
  it('says Docker is not running, how to start it, and skips what needs it', async () => {
    const t = await startTestWorker({ dockerHost: 'unix:///tmp/idlegrid-no-such-docker.sock' });
    try {
      expect(t.worker.engineStatus().state).toBe('disconnected');
      const report = await t.worker.runDoctor();
      expect(report.ready).toBe(false);
      expect(report.checks.map((c) => [c.id, c.status])).toEqual([
        ['docker', 'fail'],
        ['gpu-runtime', 'skipped'],
        ['disk', 'skipped'],
        ['storage', 'ok'],
        ['mesh', expect.stringMatching(/^(ok|warn)$/)],
      ]);
      expect(report.checks[0]!.fix).toBe(
        'Docker is not running (nothing answers at unix:///tmp/idlegrid-no-such-docker.sock). Start Docker Desktop, or on Linux ' +
          '`sudo systemctl start docker`; if Docker is not installed, install it from https://docs.docker.com/engine/install/.',
      );
      // Jobs are refused with the same words rather than queued into nothing.
      await expect(t.worker.runTestJob()).rejects.toMatchObject({ code: 'unavailable', message: expect.stringMatching(/Docker is not running/) });
    } finally {
      await t.close();
    }
  });
});
