import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Gpu } from '../../common/hardware/gpu';
import { ExecFileRunner } from '../hardware/command-runner';
import { replayEnv } from '../hardware/nvidia-smi-replay';
import { containerGpuDevices, createGpuVendorDrivers } from '../hardware/vendors';
import { makeAmdMachine } from '../hardware/vendors/amd/test-support/amd-machine';
import { readHookLog } from '../../scripts/test-env/docker-env.mjs';
import { dockerTestEnv, describeWithDocker, rawDocker, startTestWorker, testSpec, untilRunning } from './test-support/docker-test-support';
import type { TestWorker } from './test-support/docker-test-support';

// Integration: a job on a replayed AMD machine (rocm-smi replaying the 4× MI100 capture,
// sysfs and /dev laid out in a temp dir) on the real test dockerd. The /dev entries are
// real character devices made with mknod (the null device, 1:3): dockerd refuses to
// start a container whose mapped host device does not exist, so with real nodes the job
// runs, and both `docker inspect` and the container itself show the mapping.
describeWithDocker('AMD GPUs on a real Docker engine', () => {
  let dir: string;
  let t: TestWorker;
  let amd: Gpu[];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'idlegrid-amd-machine-'));
    const drivers = createGpuVendorDrivers({ amdDevicePaths: makeAmdMachine(dir, { deviceNodes: true }) });
    const runner = new ExecFileRunner({ env: replayEnv() });
    const found = await Promise.all(drivers.map((d) => d.detect((command, args) => runner.run(command, args, { timeoutMs: 10_000 }))));
    const detected = found.flatMap((f) => f.gpus);
    amd = detected.filter((g) => g.vendor === 'amd');
    t = await startTestWorker({ gpuDevices: (uuids) => containerGpuDevices(drivers, detected, uuids) });
  });
  afterAll(async () => {
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('gives the job /dev/kfd and its GPUs\' render nodes as Devices, and no NVIDIA device request', async () => {
    // card0 and card1 of the capture: renderD129 and renderD128 on this machine (see amd-machine.ts).
    const gpus = [amd[0]!.uuid, amd[1]!.uuid];
    const spec = testSpec({
      gpuUuids: gpus,
      command: [
        'sh',
        '-c',
        'sleep 2; for d in /dev/kfd /dev/dri/renderD129 /dev/dri/renderD128; do test -c $d && echo "char device $d"; done; ' +
          'ls /dev/dri; echo "visible=$NVIDIA_VISIBLE_DEVICES"',
      ],
    });
    await t.worker.submit(spec);
    const running = await untilRunning(t.worker, spec.jobId);
    const inspect = await rawDocker().getContainer(running.containerId!).inspect();
    expect(inspect.HostConfig.Devices).toEqual([
      { PathOnHost: join(dir, 'dev', 'kfd'), PathInContainer: '/dev/kfd', CgroupPermissions: 'rw' },
      { PathOnHost: join(dir, 'dev', 'dri', 'renderD129'), PathInContainer: '/dev/dri/renderD129', CgroupPermissions: 'rw' },
      { PathOnHost: join(dir, 'dev', 'dri', 'renderD128'), PathInContainer: '/dev/dri/renderD128', CgroupPermissions: 'rw' },
    ]);
    expect(inspect.HostConfig.DeviceRequests ?? []).toEqual([]);
    // Still hardened: no capability, not privileged, no host path mounted.
    expect(inspect.HostConfig.CapDrop).toEqual(['ALL']);
    expect(inspect.HostConfig.CapAdd ?? []).toEqual([]);
    expect(inspect.HostConfig.Privileged).toBe(false);
    expect(inspect.HostConfig.Binds ?? []).toEqual([]);
    expect(inspect.Mounts.filter((m) => m.Type !== 'tmpfs')).toEqual([]); // /scratch and /outputs

    const job = await t.worker.runner.whenEnded(spec.jobId);
    expect(job.state).toBe('succeeded');
    // Inside: exactly these nodes, and the other GPUs' render node (renderD130) is not there.
    expect(t.worker.jobLogs(spec.jobId).lines.filter((l) => l.stream !== 'worker').map((l) => l.text)).toEqual([
      'char device /dev/kfd',
      'char device /dev/dri/renderD129',
      'char device /dev/dri/renderD128',
      'renderD128',
      'renderD129',
      'visible=void',
    ]);
    // NVIDIA's hook (the recorder) was not asked about this container.
    expect(readHookLog(dockerTestEnv.hookLog).filter((r) => r.state?.id === job.containerId)).toEqual([]);
  });

  it('a GPU whose render node is gone fails the job at start, in plain words, before any container exists', async () => {
    const spec = testSpec({ gpuUuids: [amd[3]!.uuid] });
    await t.worker.submit(spec);
    const job = await t.worker.runner.whenEnded(spec.jobId);
    expect(job).toMatchObject({ state: 'failed', endReason: 'start-failed', containerId: null });
    expect(job.message).toMatch(/cannot be handed to a container on this machine/);
  });
});
