import type { TelemetrySample } from '../../../common/hardware/gpu';
import { THERMAL_PAUSE_AFTER_MS, THERMAL_RESUME_MARGIN_C } from '../../../common/market/lend-types';
import type { ThermalGuardState } from '../../../common/market/lend-types';

export interface GuardedLease {
  leaseId: string;
  gpuUuids: readonly string[];
  paused: boolean;
}

export interface ThermalAction {
  leaseId: string;
  action: 'pause' | 'resume';
  /** The hottest of the lease's GPUs when the decision was taken. */
  temperatureC: number;
}

/**
 * The thermal guard's decisions, from the GPUs' readings: a lease whose hottest GPU stays
 * above the owner's maximum for THERMAL_PAUSE_AFTER_MS is paused; a paused one resumes
 * only once all its GPUs are below the maximum − THERMAL_RESUME_MARGIN_C (hysteresis, so
 * a GPU hovering at the limit does not flap the job). Pure: the session acts on the answer.
 */
export class ThermalGuard {
  private readonly lastC = new Map<string, number>();
  private readonly hotSince = new Map<string, number>();
  private readonly pausedSince = new Map<string, number>();

  observe(samples: readonly TelemetrySample[], nowMs: number, maxC: number, leases: readonly GuardedLease[]): ThermalAction[] {
    for (const s of samples) if (s.temperatureC !== null) this.lastC.set(s.gpuUuid, s.temperatureC);
    const actions: ThermalAction[] = [];
    const live = new Set<string>();
    for (const lease of leases) {
      live.add(lease.leaseId);
      const temps = lease.gpuUuids.map((u) => this.lastC.get(u)).filter((t): t is number => t !== undefined);
      if (temps.length === 0) continue;
      const hottest = Math.max(...temps);
      if (lease.paused) {
        this.hotSince.delete(lease.leaseId);
        if (!this.pausedSince.has(lease.leaseId)) this.pausedSince.set(lease.leaseId, nowMs);
        if (hottest < maxC - THERMAL_RESUME_MARGIN_C) {
          this.pausedSince.delete(lease.leaseId);
          actions.push({ leaseId: lease.leaseId, action: 'resume', temperatureC: hottest });
        }
        continue;
      }
      this.pausedSince.delete(lease.leaseId);
      if (hottest <= maxC) {
        this.hotSince.delete(lease.leaseId);
        continue;
      }
      const since = this.hotSince.get(lease.leaseId) ?? nowMs;
      this.hotSince.set(lease.leaseId, since);
      if (nowMs - since >= THERMAL_PAUSE_AFTER_MS) {
        this.hotSince.delete(lease.leaseId);
        this.pausedSince.set(lease.leaseId, nowMs);
        actions.push({ leaseId: lease.leaseId, action: 'pause', temperatureC: hottest });
      }
    }
    for (const id of [...this.hotSince.keys()]) if (!live.has(id)) this.hotSince.delete(id);
    for (const id of [...this.pausedSince.keys()]) if (!live.has(id)) this.pausedSince.delete(id);
    return actions;
  }

  state(maxC: number, gpuUuids: readonly string[]): ThermalGuardState {
    const temps = gpuUuids.map((u) => this.lastC.get(u)).filter((t): t is number => t !== undefined);
    const earliest = (m: Map<string, number>) => (m.size === 0 ? null : Math.min(...m.values()));
    return {
      maxTemperatureC: maxC,
      hottestC: temps.length === 0 ? null : Math.max(...temps),
      pausedSinceMs: earliest(this.pausedSince),
      hotSinceMs: earliest(this.hotSince),
    };
  }
}
