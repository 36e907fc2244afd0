import type { TelemetrySample } from '../../../common/hardware/gpu';

export interface RecentSamples {
  recent(seconds: number, nowMs: number): TelemetrySample[];
}

/**
 * GPU-seconds and MEASURED energy of a lease's GPUs between two readings: the power draw
 * nvidia-smi reported (telemetry.db, 1 s samples), averaged per GPU over the interval and
 * multiplied by its length. A GPU without a power reading adds no energy (never a guess).
 * Only time the job ran counts: paused or pulling time moves the mark without adding.
 */
export class EnergyMeter {
  private readonly lastMs = new Map<string, number>();

  constructor(private readonly samples: RecentSamples) {}

  take(leaseId: string, gpuUuids: readonly string[], running: boolean, nowMs: number): { gpuSeconds: number; energyWh: number } | null {
    const from = this.lastMs.get(leaseId);
    this.lastMs.set(leaseId, nowMs);
    if (!running || from === undefined || nowMs <= from) return null;
    const seconds = (nowMs - from) / 1000;
    const wanted = new Set(gpuUuids);
    const window = this.samples.recent(Math.ceil(seconds) + 2, nowMs).filter((s) => wanted.has(s.gpuUuid) && s.powerW !== null);
    let energyWh = 0;
    for (const uuid of wanted) {
      const own = window.filter((s) => s.gpuUuid === uuid && s.tMs > from - 1_000 && s.tMs <= nowMs);
      if (own.length === 0) continue;
      const averageW = own.reduce((sum, s) => sum + (s.powerW ?? 0), 0) / own.length;
      energyWh += (averageW * seconds) / 3600;
    }
    return { gpuSeconds: seconds * gpuUuids.length, energyWh };
  }

  forget(leaseId: string): void {
    this.lastMs.delete(leaseId);
  }
}
