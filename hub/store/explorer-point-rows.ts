import type { StoredExplorerPoint } from './hub-store';

/** A row of `explorer_series` as both stores read it (volume as a decimal string). */
export interface ExplorerPointRow {
  resolution_ms: number;
  at_ms: number;
  workers_online: number;
  gpus_online: number;
  gpus_leased: number;
  utilisation: number;
  leases_running: number;
  leases_active: number;
  volume_paid: string;
  groups_json: string;
}

export function explorerPointFromRow(r: ExplorerPointRow): StoredExplorerPoint {
  return {
    atMs: r.at_ms,
    resolutionMs: r.resolution_ms,
    workersOnline: r.workers_online,
    gpusOnline: r.gpus_online,
    gpusLeased: r.gpus_leased,
    utilisation: r.utilisation,
    leasesRunning: r.leases_running,
    leasesActive: r.leases_active,
    volumePaidAllTime: BigInt(r.volume_paid),
    groups: JSON.parse(r.groups_json) as StoredExplorerPoint['groups'],
  };
}

/** The values of one point in the column order of `explorer_series`. */
export function explorerPointValues(p: StoredExplorerPoint): Array<number | string> {
  return [p.resolutionMs, p.atMs, p.workersOnline, p.gpusOnline, p.gpusLeased, p.utilisation, p.leasesRunning, p.leasesActive, p.volumePaidAllTime.toString(10), JSON.stringify(p.groups)];
}

export const EXPLORER_POINT_COLUMNS = 'resolution_ms, at_ms, workers_online, gpus_online, gpus_leased, utilisation, leases_running, leases_active, volume_paid, groups_json';
