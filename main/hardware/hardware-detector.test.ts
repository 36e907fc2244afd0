import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HostInfo } from '../../common/hardware/detection';
import { ExecFileRunner } from './command-runner';
import { HardwareDetector } from './hardware-detector';
import { otherGpusBesides, readHostInfo } from './host-info';
import { FIXTURES_GPU_DIR, replayEnv, type ReplayKnobs } from './nvidia-smi-replay';
import { parseNvidiaSmiXml } from './vendors/nvidia/nvidia-smi-xml';
import { waitUntilGone } from './process-alive';

let dir: string;
let spawnLog: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'idlegrid-detect-'));
  spawnLog = join(dir, 'spawns.log');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const NOW_MS = 1_750_000_000_000;

function detector(knobs: ReplayKnobs, options: { path?: string; timeoutMs?: number } = {}) {
  const env = replayEnv({ IDLEGRID_REPLAY_SPAWN_LOG: spawnLog, ...knobs });
  if (options.path !== undefined) env.PATH = options.path;
  return new HardwareDetector({
    runner: new ExecFileRunner({ env }),
    readHostInfo,
    nowMs: () => NOW_MS,
    timeoutMs: options.timeoutMs ?? 10_000,
  });
}

const spawned = () => (existsSync(spawnLog) ? readFileSync(spawnLog, 'utf8').trim().split('\n') : []);

describe('HardwareDetector', () => {
  it('finds the 8 V100S through nvidia-smi and the 4 MI100 through rocm-smi, plus the host', async () => {
    const snapshot = await detector({}).detect();
    expect(snapshot.detectedAtMs).toBe(NOW_MS);
    expect(snapshot.gpus.filter((g) => g.vendor === 'nvidia')).toHaveLength(8);
    expect(snapshot.gpus.filter((g) => g.vendor === 'amd')).toHaveLength(4);
    expect(snapshot.gpus[0]).toMatchObject({ uuid: 'GPU-76098dc1-d3bc-9a1b-7ea6-f7b48837829e', name: 'Tesla V100S-PCIE-32GB' });
    expect(snapshot.sources).toEqual([
      { source: 'nvidia-smi', state: 'ok', message: 'Found 8 NVIDIA GPUs (driver 460.73.01, CUDA 11.2).', fix: null },
      { source: 'rocm-smi', state: 'ok', message: 'Found 4 AMD GPUs (driver 6.3.6).', fix: null },
    ]);
    // This machine, read for real with systeminformation.
    expect(snapshot.host).not.toBeNull();
    expect(snapshot.host!.cpuCores).toBeGreaterThan(0);
    expect(snapshot.host!.ramTotalBytes).toBeGreaterThan(0);
    expect(snapshot.host!.hostname.length).toBeGreaterThan(0);
    expect(snapshot.host!.disks.length).toBeGreaterThan(0);
  });

  it('replays another capture: 2 GPUs from driver 410, CUDA reported', async () => {
    const snapshot = await detector({
      IDLEGRID_REPLAY_NVIDIA_XML: join(FIXTURES_GPU_DIR, 'nvidia-smi-q-x.rtx2080ti-x2-driver410.xml'),
    }).detect();
    expect(snapshot.gpus.filter((g) => g.vendor === 'nvidia').map((g) => g.name)).toEqual([
      'GeForce RTX 2080 Ti',
      'GeForce RTX 2080 Ti',
    ]);
    expect(snapshot.sources[0]!.message).toBe('Found 2 NVIDIA GPUs (driver 410.73, CUDA 10.0).');
  });

  it('says how to get the tools when neither is installed', async () => {
    const snapshot = await detector({}, { path: dir }).detect();
    expect(snapshot.gpus).toEqual([]);
    expect(snapshot.sources.map((s) => s.state)).toEqual(['missing', 'missing']);
    expect(snapshot.sources[0]!.message).toMatch(/No NVIDIA driver tools found/);
    expect(snapshot.sources[0]!.fix).toBe(
      'Install the NVIDIA driver (it provides nvidia-smi) — skip this if the machine has no NVIDIA GPU.',
    );
    expect(snapshot.sources[1]!.fix).toMatch(/Install ROCm \(it provides rocm-smi\) — skip this if the machine has no AMD GPU/);
    expect(spawned()).toEqual([]);
  });

  it('reports a driver failure with the first line nvidia-smi printed, and still lists AMD GPUs', async () => {
    const snapshot = await detector({ IDLEGRID_REPLAY_MODE: 'fail' }).detect();
    const nvidia = snapshot.sources[0]!;
    expect(nvidia.state).toBe('failed');
    expect(nvidia.message).toBe(
      "nvidia-smi failed (exit code 9): NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver. " +
        'Make sure that the latest NVIDIA driver is installed and running.',
    );
    expect(nvidia.fix).toMatch(/NVIDIA driver is installed and loaded/);
    expect(snapshot.gpus.map((g) => g.vendor)).toEqual(['amd', 'amd', 'amd', 'amd']);
  });

  it('reports "no GPU" when the driver is there but sees none', async () => {
    const snapshot = await detector({ IDLEGRID_REPLAY_MODE: 'no-gpu' }).detect();
    expect(snapshot.sources[0]).toMatchObject({ state: 'no-gpu', message: 'nvidia-smi is installed but found no NVIDIA GPU.' });
    expect(snapshot.sources[0]!.fix).not.toBeNull();
  });

  it('gives up on a hung nvidia-smi at the timeout, kills it, and still answers', async () => {
    const startedMs = Date.now();
    // Generous enough that the healthy tool (a Node replay) answers on a loaded 2-core CI box.
    const snapshot = await detector({ IDLEGRID_REPLAY_MODE: 'hang' }, { timeoutMs: 4000 }).detect();
    const tookMs = Date.now() - startedMs;
    expect(snapshot.sources[0]).toMatchObject({
      state: 'timeout',
      message: 'nvidia-smi did not answer within 4 s, so it was stopped.',
    });
    expect(snapshot.sources[0]!.fix).toMatch(/a hung driver usually needs a reboot/);
    expect(snapshot.sources[1]!.state).toBe('ok');
    expect(tookMs).toBeGreaterThanOrEqual(3950);
    expect(tookMs).toBeLessThan(15_000); // the host read is real and the machine is shared
    const nvidiaPid = Number(spawned().find((l) => l.includes(' -q -x'))!.split(' ')[1]);
    expect(await waitUntilGone(nvidiaPid, 3000)).toBe(true);
  });

  it('reports a hung rocm-smi the same way', async () => {
    const snapshot = await detector({ IDLEGRID_REPLAY_ROCM_MODE: 'hang' }, { timeoutMs: 4000 }).detect();
    expect(snapshot.sources.map((s) => s.state)).toEqual(['ok', 'timeout']);
    expect(snapshot.sources[1]!.message).toBe('rocm-smi did not answer within 4 s, so it was stopped.');
  });

  it('runs the tools once for calls made while a detection is running', async () => {
    const d = detector({});
    const [a, b] = await Promise.all([d.detect(), d.detect()]);
    expect(a).toBe(b);
    expect(spawned()).toHaveLength(2); // one nvidia-smi, one rocm-smi
    await d.detect();
    expect(spawned()).toHaveLength(4); // a later call runs again
  });
});

describe('otherGpusBesides', () => {
  it('drops as many controllers of a vendor as its tool reported, keeps the rest', async () => {
    const nvidia = await parseNvidiaSmiXml(
      readFileSync(join(FIXTURES_GPU_DIR, 'nvidia-smi-q-x.rtx2080ti-x2-driver410.xml'), 'utf8'),
    );
    const controllers: HostInfo['otherGpus'] = [
      { vendor: 'NVIDIA Corporation', model: 'TU102 [GeForce RTX 2080 Ti Rev. A]', vramMiB: 11264 },
      { vendor: 'NVIDIA Corporation', model: 'TU102 [GeForce RTX 2080 Ti Rev. A]', vramMiB: 11264 },
      { vendor: 'NVIDIA Corporation', model: 'GK208B [GeForce GT 710]', vramMiB: 2048 },
      { vendor: 'Advanced Micro Devices, Inc. [AMD/ATI]', model: 'Raphael', vramMiB: 512 },
      { vendor: 'Intel Corporation', model: 'UHD Graphics 770', vramMiB: null },
    ];
    expect(otherGpusBesides(controllers, nvidia).map((c) => c.model)).toEqual([
      'GK208B [GeForce GT 710]',
      'Raphael',
      'UHD Graphics 770',
    ]);
    expect(otherGpusBesides(controllers, [])).toEqual(controllers);
  });
});
