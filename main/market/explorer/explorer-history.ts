import type { ExplorerStats } from '../../../common/hub/http-api';
import type { ExplorerSample } from '../../../common/market/market-hub-types';

/**
 * The hub's stats are a snapshot; the Explorer's charts need a line. This keeps the
 * samples the app took (bounded), so the charts draw from the first visit on.
 */
export class ExplorerHistory {
  private readonly samples: ExplorerSample[] = [];

  constructor(private readonly capacity = 720) {}

  add(stats: ExplorerStats): void {
    const last = this.samples.at(-1);
    if (last && last.atMs >= stats.atMs) return;
    this.samples.push({
      atMs: stats.atMs,
      gpusOnline: stats.gpusOnline,
      gpusLeased: stats.gpusLeased,
      utilisation: stats.utilisation,
      leasesRunning: stats.leasesRunning,
      volumePaidAllTime: stats.volumePaidAllTime,
    });
    if (this.samples.length > this.capacity) this.samples.splice(0, this.samples.length - this.capacity);
  }

  list(): ExplorerSample[] {
    return [...this.samples];
  }

  clear(): void {
    this.samples.length = 0;
  }
}
