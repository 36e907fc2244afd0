import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TelemetrySample } from '../../../../common/hardware/gpu';
import type { TelemetryStatus } from '../../../../common/hardware/detection';
import { replayEnv, type ReplayKnobs } from '../../nvidia-smi-replay';
import { isProcessAlive, waitUntilGone } from '../../process-alive';
import { TelemetrySampler } from '../../telemetry-sampler';
import { silentLogger } from '../../../../common/logger';
import { AMD_TELEMETRY_STREAM, RocmLoopReader } from './amd-telemetry';

// The sampler on the AMD stream, against the rocm-smi replay of the real 4× MI100 capture.
let dir: string;
let spawnLog: string;
let sampler: TelemetrySampler | null;
let batches: TelemetrySample[][];
let statuses: TelemetryStatus[];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'idlegrid-amd-telemetry-'));
  spawnLog = join(dir, 'spawns.log');
  sampler = null;
  batches = [];
  statuses = [];
});
afterEach(async () => {
  await sampler?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function start(knobs: ReplayKnobs = {}, options: { intervalMs?: number; stallTimeoutMs?: number } = {}): TelemetrySampler {
  sampler = new TelemetrySampler({
    stream: AMD_TELEMETRY_STREAM,
    logger: silentLogger,
    nowMs: Date.now,
    onSamples: (s) => batches.push(s),
    onStatus: (s) => statuses.push(s),
    env: replayEnv({ IDLEGRID_REPLAY_SPAWN_LOG: spawnLog, ...knobs }),
    minBackoffMs: 100,
    maxBackoffMs: 200,
    ...options,
  });
  sampler.start();
  return sampler;
}

/** The rocm-smi runs the loop made: [startedAtMs, pid]. */
function rocmRuns(): Array<[number, number]> {
  if (!existsSync(spawnLog)) return [];
  return readFileSync(spawnLog, 'utf8')
    .trim()
    .split('\n')
    .map((l) => l.split(' '))
    .map(([t, pid]) => [Number(t), Number(pid)]);
}

async function until(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('AMD telemetry: rocm-smi in one long-lived shell loop', () => {
  it('reads the four MI100 every tick from ONE child of ours, with the ids detection gives them', async () => {
    const s = start({}, { intervalMs: 300 });
    await until(() => batches.length >= 3);
    expect(s.status()).toMatchObject({ state: 'running', spawns: 1, message: 'Reading 4 GPUs every 300 ms.' });
    // The loop ran rocm-smi once per tick; the app started one process.
    expect(rocmRuns().length).toBeGreaterThanOrEqual(3);
    const first = batches[0]!;
    expect(first.map((g) => [g.gpuIndex, g.gpuUuid])).toEqual([
      [0, '0x79ccd55167a2124a'],
      [1, '0x4edfb117a17a07d'],
      [2, '0xd4a9ec48d03d261d'],
      [3, '0x1b9dd972253c3736'],
    ]);
    expect(first[0]).toEqual({
      gpuUuid: '0x79ccd55167a2124a',
      gpuIndex: 0,
      tMs: first[0]!.tMs,
      temperatureC: 53,
      powerW: 36,
      utilizationPct: 0,
      vramUsedMiB: 6,
      fanPct: null,
      smClockMHz: 300,
    });
    expect(new Set(first.map((g) => g.tMs)).size).toBe(1);
  });

  it('a failing rocm-smi ends the loop with its words, and the loop is started again with backoff', async () => {
    const s = start({ IDLEGRID_REPLAY_ROCM_MODE: 'fail' });
    await until(() => s.status().spawns >= 2);
    expect(statuses.find((x) => x.state === 'restarting')?.message).toMatch(
      /^sh exited with code 1: rocm-smi replay: simulated failure \(IDLEGRID_REPLAY_ROCM_MODE=fail\); starting it again in 0\.1 s\.$/,
    );
    expect(batches).toEqual([]);
  });

  it('a hung rocm-smi is killed with its loop (the whole process group), and stop leaves nothing running', async () => {
    const s = start({ IDLEGRID_REPLAY_ROCM_MODE: 'hang' }, { intervalMs: 200, stallTimeoutMs: 800 });
    await until(() => rocmRuns().length >= 1);
    const hungPid = rocmRuns()[0]![1];
    await until(() => statuses.some((x) => x.state === 'restarting'));
    expect(statuses.find((x) => x.state === 'restarting')?.message).toBe('sh printed nothing for 0.8 s; starting it again in 0.1 s.');
    expect(await waitUntilGone(hungPid, 3000)).toBe(true);
    await until(() => rocmRuns().length >= 2);
    const secondPid = rocmRuns()[1]![1];
    expect(isProcessAlive(secondPid)).toBe(true);
    await s.stop();
    expect(await waitUntilGone(secondPid, 3000)).toBe(true);
  });
});

describe('RocmLoopReader', () => {
  it('reads one answer per mark, tolerating warnings around the JSON, and skips an unreadable one', () => {
    const reader = new RocmLoopReader();
    expect(reader.read('WARNING: something rocm-smi says')).toEqual([]);
    expect(reader.read('{"card0": {"Unique ID": "0x1", "GPU use (%)": "97", "sclk clock speed:": "(1502Mhz)"}}')).toEqual([]);
    const samples = reader.read('@@idlegrid-rocm-tick');
    expect(samples).toMatchObject([{ gpuUuid: '0x1', gpuIndex: 0, utilizationPct: 97, smClockMHz: 1502 }]);
    expect(reader.read('{"card0": ')).toEqual([]);
    expect(reader.read('@@idlegrid-rocm-tick')).toBeNull();
  });
});
