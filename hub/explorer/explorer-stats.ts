import type { ExplorerMachines, ExplorerPayment, ExplorerStats } from '../../common/hub/http-api';
import type { LeaseService } from '../leases/lease-service';
import type { HubStore } from '../store/hub-store';
import type { HubClock } from '../support/hub-clock';
import type { WorkerRegistry } from '../workers/worker-registry';

/**
 * The public picture of the market: GPUs online by model and how many are leased, leases
 * running, volume paid, recent payments with their signatures (anyone can look them up on
 * chain). Built from live state plus the store's money totals.
 */
export class ExplorerStatsService {
  constructor(
    private readonly store: HubStore,
    private readonly clock: HubClock,
    private readonly workers: WorkerRegistry,
    private readonly leases: LeaseService,
  ) {}

  async stats(): Promise<ExplorerStats> {
    const atMs = this.clock.nowMs();
    const byModel = new Map<string, { online: number; leased: number }>();
    let workersOnline = 0;
    let gpusOnline = 0;
    const onlineWorkers = new Set<string>();
    for (const worker of this.workers.all()) {
      if (!worker.link && worker.remoteInstance === null) continue;
      workersOnline += 1;
      onlineWorkers.add(worker.workerId);
      for (const gpu of worker.hardware.gpus) {
        gpusOnline += 1;
        const row = byModel.get(gpu.model) ?? { online: 0, leased: 0 };
        row.online += 1;
        byModel.set(gpu.model, row);
      }
    }
    let gpusLeased = 0;
    let leasesRunning = 0;
    for (const lease of this.leases.activeLeases()) {
      if (lease.state === 'running') leasesRunning += 1;
      for (const node of lease.placement.nodes) {
        if (!onlineWorkers.has(node.workerId)) continue;
        gpusLeased += node.gpuUuids.length;
        const row = byModel.get(node.gpuModel);
        if (row) row.leased += node.gpuUuids.length;
      }
    }
    const flaggedWorkers = [...this.workers.all()]
      .filter((w) => w.facts.refundsMissed > 0)
      .map((w) => ({ workerId: w.workerId, supplier: w.owner, refundsMissed: w.facts.refundsMissed }))
      .sort((a, b) => b.refundsMissed - a.refundsMissed || (a.workerId < b.workerId ? -1 : 1))
      .slice(0, 100);
    return {
      atMs,
      workersOnline,
      gpusOnline,
      gpusLeased,
      utilisation: gpusOnline === 0 ? 0 : Math.round((gpusLeased / gpusOnline) * 1000) / 1000,
      byModel: [...byModel]
        .map(([gpuModel, r]) => ({ gpuModel, ...r }))
        .sort((a, b) => b.online - a.online || (a.gpuModel < b.gpuModel ? -1 : 1)),
      leasesRunning,
      leasesActive: this.leases.activeCount,
      volumePaid24h: (await this.store.volumePaidSince(atMs - 86_400_000)).toString(10),
      volumePaidAllTime: (await this.store.volumePaidAllTime()).toString(10),
      flaggedWorkers,
    };
  }

  machines(): ExplorerMachines {
    const groups = new Map<string, { gpuModel: string; region: string; machines: number; gpus: number }>();
    for (const worker of this.workers.all()) {
      if (!worker.link && worker.remoteInstance === null) continue;
      const models = new Map<string, number>();
      for (const gpu of worker.hardware.gpus) models.set(gpu.model, (models.get(gpu.model) ?? 0) + 1);
      for (const [gpuModel, gpus] of models) {
        const key = JSON.stringify([gpuModel, worker.region]);
        const row = groups.get(key) ?? { gpuModel, region: worker.region, machines: 0, gpus: 0 };
        row.machines += 1;
        row.gpus += gpus;
        groups.set(key, row);
      }
    }
    const order = (a: { gpus: number; gpuModel: string; region: string }, b: typeof a) => b.gpus - a.gpus || a.gpuModel.localeCompare(b.gpuModel) || a.region.localeCompare(b.region);
    return { atMs: this.clock.nowMs(), groups: [...groups.values()].sort(order) };
  }

  /** GPUs online and leased, by model and region (for the series). */
  gpuGroups(): Array<{ gpuModel: string; region: string; gpus: number; leased: number }> {
    const groups = new Map<string, { gpuModel: string; region: string; gpus: number; leased: number }>();
    const row = (gpuModel: string, region: string) => {
      const key = JSON.stringify([gpuModel, region]);
      let r = groups.get(key);
      if (!r) groups.set(key, (r = { gpuModel, region, gpus: 0, leased: 0 }));
      return r;
    };
    for (const worker of this.workers.all()) {
      if (!worker.link && worker.remoteInstance === null) continue;
      for (const gpu of worker.hardware.gpus) row(gpu.model, worker.region).gpus += 1;
    }
    for (const lease of this.leases.activeLeases()) {
      for (const node of lease.placement.nodes) {
        const worker = this.workers.get(node.workerId);
        if (!worker || (!worker.link && worker.remoteInstance === null)) continue;
        row(node.gpuModel, worker.region).leased += node.gpuUuids.length;
      }
    }
    return [...groups.values()].sort((a, b) => b.gpus - a.gpus || a.gpuModel.localeCompare(b.gpuModel) || a.region.localeCompare(b.region));
  }

  async recentPayments(limit: number): Promise<ExplorerPayment[]> {
    return (await this.store.recentPayments(limit)).map((p) => ({ ...p, amount: p.amount.toString(10) }));
  }
}
