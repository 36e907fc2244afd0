import { describe, expect, it } from 'vitest';
import type { ReplayKnobs } from '../../nvidia-smi-replay';
import { isProcessAlive, waitUntilGone } from '../../process-alive';
import { samplerRun, until } from '../../test-support/sampler-run';
import { AMD_TELEMETRY_STREAM, RocmLoopReader } from './amd-telemetry';

// The sampler on the AMD stream, against the rocm-smi replay of the real 4× MI100 capture.
const run = samplerRun('idlegrid-amd-telemetry-', AMD_TELEMETRY_STREAM);
/** Short backoffs, so restarts show within a test. */
const start = (knobs: ReplayKnobs = {}, options: { intervalMs?: number; stallTimeoutMs?: number } = {}) =>
  run.start(knobs, { minBackoffMs: 100, maxBackoffMs: 200, ...options });

describe('AMD telemetry: rocm-smi in one long-lived shell loop', () => {
  it('reads the four MI100 every tick from ONE child of ours, with the ids detection gives them', async () => {
    const s = start({}, { intervalMs: 300 });
    await until(() => run.batches.length >= 3);
    expect(s.status()).toMatchObject({ state: 'running', spawns: 1, message: 'Reading 4 GPUs every 300 ms.' });
    // The loop ran rocm-smi once per tick; the app started one process.
    expect(run.spawns().length).toBeGreaterThanOrEqual(3);
    const first = run.batches[0]!;
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
    expect(run.statuses.find((x) => x.state === 'restarting')?.message).toMatch(
      /^sh exited with code 1: rocm-smi replay: simulated failure \(IDLEGRID_REPLAY_ROCM_MODE=fail\); starting it again in 0\.1 s\.$/,
    );
    expect(run.batches).toEqual([]);
  });

  it('a hung rocm-smi is killed with its loop (the whole process group), and stop leaves nothing running', async () => {
    const s = start({ IDLEGRID_REPLAY_ROCM_MODE: 'hang' }, { intervalMs: 200, stallTimeoutMs: 800 });
    await until(() => run.spawns().length >= 1);
    const hungPid = run.spawns()[0]![1];
    await until(() => run.statuses.some((x) => x.state === 'restarting'));
    expect(run.statuses.find((x) => x.state === 'restarting')?.message).toBe('sh printed nothing for 0.8 s; starting it again in 0.1 s.');
    expect(await waitUntilGone(hungPid, 3000)).toBe(true);
    await until(() => run.spawns().length >= 2);
    const secondPid = run.spawns()[1]![1];
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
