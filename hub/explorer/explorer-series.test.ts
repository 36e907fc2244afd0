import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ExplorerStats } from '../../common/hub/http-api';
import { SqliteHubStore } from '../store/sqlite-hub-store';
import type { ExplorerStatsService } from './explorer-stats';
import { ExplorerSeriesRecorder } from './explorer-series';

// The recorder against a real hub.db; the live stats it samples are given (the hub's own
// stats are tested with the hub in public-explorer-page.test.ts).

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function setup(timing = { fineMs: 1_000, keepFineMs: 10_000, coarseMs: 5_000, keepCoarseMs: 60_000 }) {
  const dir = mkdtempSync(join(tmpdir(), 'idlegrid-series-'));
  dirs.push(dir);
  const store = new SqliteHubStore(join(dir, 'hub.db'));
  const clock = { nowMs: () => now };
  let now = 0;
  let gpusOnline = 0;
  let volume = 0n;
  const stats = {
    stats: async (): Promise<ExplorerStats> => ({
      atMs: now, workersOnline: 1, gpusOnline, gpusLeased: 1, utilisation: gpusOnline === 0 ? 0 : 1 / gpusOnline, byModel: [], leasesRunning: 1, leasesActive: 1, volumePaid24h: '0', volumePaidAllTime: volume.toString(),
    }),
    gpuGroups: () => [{ gpuModel: 'A100', region: 'eu-west', gpus: gpusOnline, leased: 1 }],
  } as unknown as ExplorerStatsService;
  const recorder = new ExplorerSeriesRecorder(store, clock, stats, timing);
  return {
    store,
    recorder,
    at: (ms: number, gpus: number, vol: bigint) => {
      now = ms;
      gpusOnline = gpus;
      volume = vol;
    },
  };
}

describe('the explorer series', () => {
  it('keeps fine points for the recent window and rolls older ones into coarse buckets (counts averaged, volume the last)', async () => {
    const { store, recorder, at } = setup();
    for (let s = 0; s < 30; s++) {
      at(s * 1_000 + 300, s < 5 ? 2 : 4, BigInt(s) * 1_000_000_000_000_000_000n);
      await recorder.record();
    }
    // now = 29.3 s: fine points older than 10 s, in whole 5 s buckets (before 15 s), are rolled up.
    const fine = await store.listExplorerPoints(1_000, 0, Number.MAX_SAFE_INTEGER);
    expect(fine.map((p) => p.atMs)).toEqual(Array.from({ length: 15 }, (_, i) => 15_000 + i * 1_000));
    const coarse = await store.listExplorerPoints(5_000, 0, Number.MAX_SAFE_INTEGER);
    expect(coarse.map((p) => p.atMs)).toEqual([0, 5_000, 10_000]);
    expect(coarse[0]).toMatchObject({ resolutionMs: 5_000, gpusOnline: 2, volumePaidAllTime: 4_000_000_000_000_000_000n, groups: [{ gpuModel: 'A100', region: 'eu-west', gpus: 2, leased: 1 }] });
    expect(coarse[1]).toMatchObject({ gpusOnline: 4, volumePaidAllTime: 9_000_000_000_000_000_000n });
    const line = (await recorder.series(0)).points;
    expect(line.map((p) => [p.atMs, p.resolutionMs])).toEqual([[0, 5_000], [5_000, 5_000], [10_000, 5_000], ...fine.map((p) => [p.atMs, 1_000])]);
    expect(line.at(-1)!.volumePaidAllTime).toBe('29000000000000000000');
    await store.close();
  });

  it('drops coarse points past their keep time; a second sample in one interval replaces the first', async () => {
    const { store, recorder, at } = setup();
    at(1_000, 1, 0n);
    await recorder.record();
    at(1_500, 3, 5n);
    await recorder.record();
    expect((await store.listExplorerPoints(1_000, 0, Number.MAX_SAFE_INTEGER)).map((p) => [p.atMs, p.gpusOnline])).toEqual([[1_000, 3]]);
    at(100_000, 3, 5n);
    await recorder.record();
    expect(await store.listExplorerPoints(5_000, 0, 40_000)).toEqual([]);
    expect((await recorder.series(0)).points.map((p) => p.atMs)).toEqual([100_000]);
    await store.close();
  });
});
