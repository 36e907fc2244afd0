import { describe, expect, it } from 'vitest';
import { replayEnv } from './nvidia-smi-replay';
import { isProcessAlive, waitUntilGone } from './process-alive';
import { NVIDIA_TELEMETRY_STREAM } from './vendors/nvidia/nvidia-telemetry';
import { samplerRun, until } from './test-support/sampler-run';

// Every test runs the sampler against the nvidia-smi replay of the 8× V100S capture.
const run = samplerRun('idlegrid-sampler-', NVIDIA_TELEMETRY_STREAM);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('TelemetrySampler', () => {
  it('streams one batch of 8 samples per second from a single nvidia-smi', async () => {
    const s = run.start({});
    await until(() => run.batches.length >= 4, 15_000);
    expect(run.spawns()).toHaveLength(1);
    expect(s.status()).toMatchObject({ state: 'running', message: 'Reading 8 GPUs every 1 s.', spawns: 1 });
    for (const batch of run.batches) {
      expect(batch.map((x) => x.gpuIndex)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
      expect(new Set(batch.map((x) => x.tMs)).size).toBe(1);
    }
    expect(run.batches[0]![0]).toMatchObject({
      gpuUuid: 'GPU-76098dc1-d3bc-9a1b-7ea6-f7b48837829e',
      temperatureC: 66,
      powerW: 232.8,
      utilizationPct: 97,
      vramUsedMiB: 31689,
      fanPct: null,
      smClockMHz: 1410,
    });
    expect(run.batches[0]![7]!.gpuUuid).toBe('GPU-1d955959-c95b-4f40-2cac-100d3006ffe2');
    // About 1 Hz: the spacing bounds are loose because the machine is shared.
    const gaps = run.batches.slice(1).map((b, i) => b[0]!.tMs - run.batches[i]![0]!.tMs);
    for (const gap of gaps) {
      expect(gap).toBeGreaterThan(500);
      expect(gap).toBeLessThan(2500);
    }
    expect(s.status().lastSampleAtMs).toBe(run.batches.at(-1)![0]!.tMs);
  });

  it('reports the temperature the replay is told to (the knob thermal guards use)', async () => {
    run.start({ IDLEGRID_REPLAY_TEMP_C: '91' }, { intervalMs: 200 });
    await until(() => run.batches.length >= 1, 10_000);
    expect(run.batches[0]!.map((x) => x.temperatureC)).toEqual(Array(8).fill(91));
  });

  it('restarts a stream that ends, with a doubling backoff, and counts the spawns', async () => {
    const s = run.start(
      { IDLEGRID_REPLAY_MODE: 'die-after=2' },
      { intervalMs: 200, minBackoffMs: 300, maxBackoffMs: 1200 },
    );
    await until(() => run.spawns().length >= 4 && run.batches.length >= 8, 30_000);
    const restarting = run.statuses.filter((x) => x.state === 'restarting').map((x) => x.message);
    expect(restarting.slice(0, 3)).toEqual([
      'nvidia-smi exited with code 1: nvidia-smi replay: stream ended after 2 ticks (die-after); starting it again in 0.3 s.',
      'nvidia-smi exited with code 1: nvidia-smi replay: stream ended after 2 ticks (die-after); starting it again in 0.6 s.',
      'nvidia-smi exited with code 1: nvidia-smi replay: stream ended after 2 ticks (die-after); starting it again in 1.2 s.',
    ]);
    // Each child printed its 2 ticks before it died: nothing was lost at the restart.
    expect(run.batches.every((b) => b.length === 8)).toBe(true);
    const times = run.spawns().map(([t]) => t);
    // The wait before the 4th start (1.2 s backoff) is longer than before the 2nd (0.3 s).
    expect(times[3]! - times[2]!).toBeGreaterThan(times[1]! - times[0]! + 400);
    expect(s.status().spawns).toBeGreaterThanOrEqual(4);
    expect(s.status().spawns).toBe(run.spawns().length);
    // Back to running after each restart.
    expect(run.statuses.filter((x) => x.state === 'running').length).toBeGreaterThanOrEqual(4);
  });

  it('goes back to the shortest backoff once a child has run healthily', async () => {
    run.start(
      { IDLEGRID_REPLAY_MODE: 'die-after=3' },
      { intervalMs: 200, minBackoffMs: 300, maxBackoffMs: 1200, healthyAfterMs: 250 },
    );
    await until(() => run.statuses.filter((x) => x.state === 'restarting').length >= 3, 30_000);
    const delays = run.statuses.filter((x) => x.state === 'restarting').map((x) => /again in ([\d.]+ s)/.exec(x.message)![1]);
    expect(delays.slice(0, 3)).toEqual(['0.3 s', '0.3 s', '0.3 s']);
  });

  it('kills and restarts an nvidia-smi that stops printing', async () => {
    run.start({ IDLEGRID_REPLAY_MODE: 'hang' }, { stallTimeoutMs: 600, minBackoffMs: 200, maxBackoffMs: 400 });
    await until(() => run.spawns().length >= 2, 15_000);
    const firstPid = run.spawns()[0]![1];
    expect(run.statuses.find((x) => x.state === 'restarting')?.message).toBe(
      'nvidia-smi printed nothing for 0.6 s; starting it again in 0.2 s.',
    );
    expect(await waitUntilGone(firstPid, 3000)).toBe(true);
    expect(run.batches).toEqual([]);
  });

  it('keeps trying, with backoff, when nvidia-smi is not installed', async () => {
    const s = run.start({}, { env: { ...replayEnv(), PATH: run.dir }, minBackoffMs: 100, maxBackoffMs: 200 });
    await until(() => s.status().spawns >= 3, 10_000);
    expect(run.statuses.find((x) => x.state === 'restarting')?.message).toBe(
      'nvidia-smi was not found (is the NVIDIA driver installed?); starting it again in 0.1 s.',
    );
    expect(run.batches).toEqual([]);
  });

  it('stop() kills the child, waits for it, and nothing runs afterwards', async () => {
    const s = run.start({}, { intervalMs: 200 });
    await until(() => run.batches.length >= 2, 10_000);
    const [[, pid]] = run.spawns() as [[number, number]];
    expect(isProcessAlive(pid)).toBe(true);
    await s.stop();
    expect(isProcessAlive(pid)).toBe(false); // already reaped when stop() resolved
    expect(s.status()).toMatchObject({ state: 'stopped', spawns: 1 });
    expect(run.statuses.at(-1)!.state).toBe('stopped');
    const seen = run.batches.length;
    await sleep(800);
    expect(run.batches.length).toBe(seen);
    expect(run.spawns()).toHaveLength(1);
    await s.stop(); // twice is fine
  });

  it('stop() during a restart wait cancels the restart', async () => {
    const s = run.start({ IDLEGRID_REPLAY_MODE: 'die-after=1' }, { intervalMs: 100, minBackoffMs: 500 });
    await until(() => s.status().state === 'restarting', 10_000);
    await s.stop();
    await sleep(900);
    expect(run.spawns()).toHaveLength(1);
    expect(s.status().state).toBe('stopped');
  });
});
