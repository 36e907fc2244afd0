import type { TelemetrySample } from '../../../common/hardware/gpu';
import { THERMAL_PAUSE_AFTER_MS, THERMAL_PAUSE_GRACE_MS, THERMAL_RESUME_MARGIN_C } from '../../../common/market/lend-types';
import type { LendNotice, LendTerms, ThermalGuardState } from '../../../common/market/lend-types';
import type { WorkerService } from '../../worker/worker-service';
import type { LeaseMeter } from './lease-meter';
import type { LeaseWorkQueue } from './lease-work-queue';
import type { SupplierHubLink } from './supplier-hub-link';
import type { SupplierLeaseStore } from './supplier-lease-store';
import { ThermalGuard } from './thermal-guard';

export interface ThermalControllerDeps {
  leases: SupplierLeaseStore;
  worker: WorkerService;
  link: SupplierHubLink;
  meter: LeaseMeter;
  queue: LeaseWorkQueue;
  terms: () => LendTerms;
  notice: (kind: LendNotice['kind'], title: string, body: string) => void;
  publish: () => void;
  nowMs: () => number;
  logError: (message: string, error: unknown) => void;
  /**
   * Ends a lease on this machine's side, refunding the paid time after `servedUntilMs`
   * (SupplierLeaseLifecycle.endLease with cause supplier → LeaseRefunds.refundUnused).
   */
  endLease?: (leaseId: string, message: string, servedUntilMs: number) => Promise<void>;
  /** How long a heat pause may last before the lease ends and the rest is refunded (tests: shorter). */
  pauseGraceMs?: number;
}

/** What the renter's node shows while paused for heat. */
export const PAUSED_HOT_TEXT = 'Paused \u2014 supplier\u2019s GPU too hot';

/**
 * Acts on the thermal guard's decisions: feeds it the GPUs' readings with the leases that
 * run, pauses a job whose GPUs stay too hot and resumes it once they cool, metering the
 * lease first and telling the renter (log line) and the owner (notice) why.
 */
export class ThermalController {
  private readonly guard = new ThermalGuard();
  /** When each lease was paused for heat (memory: after a restart the pause counts from the first sample seen). */
  private readonly pausedAtMs = new Map<string, number>();

  constructor(private readonly d: ThermalControllerDeps) {}

  /** The guard's view of the shared GPUs, for the status. */
  state(maxC: number, gpuUuids: readonly string[]): ThermalGuardState {
    return this.guard.state(maxC, gpuUuids);
  }

  onSamples(samples: TelemetrySample[]): void {
    const terms = this.d.terms();
    const guarded = this.d.leases
      .active()
      .filter((l) => l.jobId !== null && (l.state === 'running' || l.state === 'paused-hot'))
      .map((l) => ({ leaseId: l.lease.leaseId, gpuUuids: l.lease.gpuUuids, paused: l.state === 'paused-hot' }));
    const actions = this.guard.observe(samples, this.d.nowMs(), terms.maxTemperatureC, guarded);
    for (const action of actions) void this.d.queue.run(action.leaseId, () => this.applyThermal(action.leaseId, action.action, action.temperatureC, terms.maxTemperatureC));
    this.endLongPauses();
    this.d.publish();
  }

  /** A pause past its grace: the lease ends on this machine's side and the renter gets the unused paid time back. */
  private endLongPauses(): void {
    const nowMs = this.d.nowMs();
    const graceMs = this.d.pauseGraceMs ?? THERMAL_PAUSE_GRACE_MS;
    for (const stored of this.d.leases.active()) {
      const leaseId = stored.lease.leaseId;
      if (stored.state !== 'paused-hot') {
        this.pausedAtMs.delete(leaseId);
        continue;
      }
      const since = this.pausedAtMs.get(leaseId) ?? nowMs;
      this.pausedAtMs.set(leaseId, since);
      if (nowMs - since < graceMs || !this.d.endLease) continue;
      this.pausedAtMs.set(leaseId, Number.POSITIVE_INFINITY); // once
      const why = `The GPU stayed too hot for ${Math.round(graceMs / 1000)} s after the job was paused: this machine ended the lease and refunds the paid time since the pause.`;
      void this.d.queue.run(leaseId, async () => {
        this.d.link.worker?.sendLog(leaseId, 'stderr', `[idlegrid] ${why}\n`);
        await this.d.endLease!(leaseId, why, since);
      });
    }
  }

  private async applyThermal(leaseId: string, action: 'pause' | 'resume', temperatureC: number, maxC: number): Promise<void> {
    const stored = this.d.leases.get(leaseId);
    if (!stored?.jobId || stored.state === 'ended') return;
    try {
      if (action === 'pause') {
        if (stored.state !== 'running') return;
        this.d.meter.meterLease(stored);
        await this.d.worker.pauseJob(stored.jobId);
        const why = `GPU at ${temperatureC} °C, above this machine's limit of ${maxC} °C for ${THERMAL_PAUSE_AFTER_MS / 1000} s: the job is paused until it cools below ${maxC - THERMAL_RESUME_MARGIN_C} °C.`;
        this.d.leases.update(leaseId, { state: 'paused-hot', message: why });
        this.pausedAtMs.set(leaseId, this.d.nowMs());
        this.d.link.worker?.sendLog(leaseId, 'stderr', `[idlegrid] ${why}\n`);
        // The renter's node says it in words, and the hub keeps it as evidence.
        this.d.link.worker?.reportNode(leaseId, 'running', { message: `${PAUSED_HOT_TEXT} (${temperatureC} °C).` });
        this.d.notice('overheat', 'GPU too hot: job paused', why);
      } else {
        if (stored.state !== 'paused-hot') return;
        this.d.meter.meterLease(stored);
        await this.d.worker.resumeJob(stored.jobId);
        const why = `GPU cooled to ${temperatureC} °C: the job resumed.`;
        this.d.leases.update(leaseId, { state: 'running', message: null });
        this.pausedAtMs.delete(leaseId);
        this.d.link.worker?.sendLog(leaseId, 'stderr', `[idlegrid] ${why}\n`);
        this.d.link.worker?.reportNode(leaseId, 'running', { message: `Resumed: the supplier\u2019s GPU cooled to ${temperatureC} °C.` });
        this.d.notice('cooled', 'GPU cooled: job resumed', why);
      }
    } catch (error) {
      this.d.logError(`[supplier] thermal ${action} of lease ${leaseId} failed`, error);
    }
    this.d.publish();
  }
}
