import type { ExplorerSeries, ExplorerSeriesPoint } from '../../common/hub/http-api';
import type { HubStore, StoredExplorerPoint } from '../store/hub-store';
import type { HubClock } from '../support/hub-clock';
import type { ExplorerStatsService } from './explorer-stats';

export interface ExplorerSeriesTiming {
  /** One fine point per this interval (the hub samples its own stats). */
  fineMs: number;
  /** Fine points older than this are rolled up into coarse buckets. */
  keepFineMs: number;
  /** One coarse point per this bucket. */
  coarseMs: number;
  /** Coarse points older than this are deleted. */
  keepCoarseMs: number;
}

export const DEFAULT_EXPLORER_SERIES_TIMING: ExplorerSeriesTiming = {
  fineMs: 60_000,
  keepFineMs: 24 * 3_600_000,
  coarseMs: 3_600_000,
  keepCoarseMs: 400 * 24 * 3_600_000,
};

/**
 * The hub's own series for the explorer (GPUs online by model and region, leased,
 * utilisation, leases, volume), kept in the store like telemetry: a fine point per interval
 * for the last day, then one coarse point per hour (counts averaged, volume the bucket's
 * last). Anyone reading the explorer gets the whole line, however long it was not looked at.
 * With several hub instances only the deadline keeper samples (its view includes the
 * others' workers), so there is one line.
 */
export class ExplorerSeriesRecorder {
  constructor(
    private readonly store: HubStore,
    private readonly clock: HubClock,
    private readonly stats: ExplorerStatsService,
    private readonly timing: ExplorerSeriesTiming = DEFAULT_EXPLORER_SERIES_TIMING,
  ) {}

  /** Samples now (at the start of the current fine interval: a second sample in it replaces the first), then rolls up. */
  async record(): Promise<void> {
    const s = await this.stats.stats();
    const atMs = Math.floor(s.atMs / this.timing.fineMs) * this.timing.fineMs;
    await this.store.saveExplorerPoints([
      {
        atMs,
        resolutionMs: this.timing.fineMs,
        workersOnline: s.workersOnline,
        gpusOnline: s.gpusOnline,
        gpusLeased: s.gpusLeased,
        utilisation: s.utilisation,
        leasesRunning: s.leasesRunning,
        leasesActive: s.leasesActive,
        volumePaidAllTime: BigInt(s.volumePaidAllTime),
        groups: this.stats.gpuGroups(),
      },
    ]);
    await this.rollUp();
  }

  /**
   * Fine points of whole coarse buckets older than `keepFineMs` become one coarse point per
   * bucket, then are deleted. Saving a bucket replaces it, so a roll-up interrupted between
   * the two steps and run again writes the same bucket.
   */
  async rollUp(): Promise<void> {
    const { fineMs, coarseMs, keepFineMs, keepCoarseMs } = this.timing;
    const nowMs = this.clock.nowMs();
    const cutoffMs = Math.floor((nowMs - keepFineMs) / coarseMs) * coarseMs;
    if (cutoffMs > 0) {
      const old = await this.store.listExplorerPoints(fineMs, 0, cutoffMs);
      if (old.length > 0) {
        const buckets = new Map<number, StoredExplorerPoint[]>();
        for (const p of old) {
          const key = Math.floor(p.atMs / coarseMs) * coarseMs;
          const list = buckets.get(key);
          if (list) list.push(p);
          else buckets.set(key, [p]);
        }
        await this.store.saveExplorerPoints([...buckets].map(([atMs, points]) => rolledUp(atMs, coarseMs, points)));
        await this.store.deleteExplorerPoints(fineMs, cutoffMs);
      }
    }
    await this.store.deleteExplorerPoints(coarseMs, nowMs - keepCoarseMs);
  }

  /** Coarse points before the first fine one, then the fine ones: one line, oldest first. */
  async series(sinceMs: number): Promise<ExplorerSeries> {
    const end = Number.MAX_SAFE_INTEGER;
    const fine = await this.store.listExplorerPoints(this.timing.fineMs, sinceMs, end);
    const coarse = await this.store.listExplorerPoints(this.timing.coarseMs, sinceMs, fine[0]?.atMs ?? end);
    return { points: [...coarse, ...fine].map(toWire) };
  }
}

function rolledUp(atMs: number, resolutionMs: number, points: StoredExplorerPoint[]): StoredExplorerPoint {
  const mean = (f: (p: StoredExplorerPoint) => number) => points.reduce((sum, p) => sum + f(p), 0) / points.length;
  const groups = new Map<string, { gpuModel: string; region: string; gpus: number; leased: number }>();
  for (const p of points) {
    for (const g of p.groups) {
      const key = JSON.stringify([g.gpuModel, g.region]);
      const row = groups.get(key) ?? { gpuModel: g.gpuModel, region: g.region, gpus: 0, leased: 0 };
      row.gpus += g.gpus;
      row.leased += g.leased;
      groups.set(key, row);
    }
  }
  const last = points.reduce((a, b) => (b.atMs > a.atMs ? b : a));
  return {
    atMs,
    resolutionMs,
    workersOnline: Math.round(mean((p) => p.workersOnline)),
    gpusOnline: Math.round(mean((p) => p.gpusOnline)),
    gpusLeased: Math.round(mean((p) => p.gpusLeased)),
    utilisation: Math.round(mean((p) => p.utilisation) * 1000) / 1000,
    leasesRunning: Math.round(mean((p) => p.leasesRunning)),
    leasesActive: Math.round(mean((p) => p.leasesActive)),
    volumePaidAllTime: last.volumePaidAllTime,
    groups: [...groups.values()].map((g) => ({ ...g, gpus: Math.round(g.gpus / points.length), leased: Math.round(g.leased / points.length) })),
  };
}

function toWire(p: StoredExplorerPoint): ExplorerSeriesPoint {
  return { ...p, volumePaidAllTime: p.volumePaidAllTime.toString(10) };
}
