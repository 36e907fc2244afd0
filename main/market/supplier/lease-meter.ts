import type { EarningsStore } from './earnings-store';
import type { EnergyMeter } from './energy-meter';
import type { StoredLease, SupplierLeaseStore } from './supplier-lease-store';

export interface LeaseMeterDeps {
  leases: SupplierLeaseStore;
  earnings: EarningsStore;
  energy: EnergyMeter;
  /** An earnings row changed (the session announces it). */
  earningsChanged: () => void;
  nowMs: () => number;
}

/**
 * The payment a metering interval belongs to: the one of the increment running at `nowMs`
 * (counted from the lease's start), or the latest verified one before it; the last one
 * when the start is unknown, and the first when none is that early. Null without payments.
 */
export function paymentCoveringNow<T extends { increment: number }>(rows: readonly T[], startedAtMs: number | null, incrementMs: number, nowMs: number): T | null {
  if (rows.length === 0) return null;
  const index = startedAtMs === null ? rows.length - 1 : Math.floor((nowMs - startedAtMs) / incrementMs);
  return [...rows].reverse().find((r) => r.increment <= index) ?? rows[0]!;
}

/**
 * Meters the running leases into their earnings rows: the GPU-seconds and measured energy
 * since the last reading go to the payment covering now, so each row says what the
 * machine spent for what it was paid. Called on every tick, and before a lease pauses or ends.
 */
export class LeaseMeter {
  constructor(private readonly d: LeaseMeterDeps) {}

  meterAll(): void {
    for (const stored of this.d.leases.active()) this.meterLease(stored);
  }

  /** Adds the GPU-seconds and measured energy since the last reading to the payment covering now. */
  meterLease(stored: StoredLease): void {
    const running = stored.state === 'running';
    const delta = this.d.energy.take(stored.lease.leaseId, stored.lease.gpuUuids, running, this.d.nowMs());
    if (!delta || (delta.gpuSeconds === 0 && delta.energyWh === 0)) return;
    const row = paymentCoveringNow(this.d.earnings.forLease(stored.lease.leaseId), stored.lease.startedAtMs, stored.lease.incrementMs, this.d.nowMs());
    if (!row) return;
    this.d.earnings.accrue(row.signature, delta.gpuSeconds, delta.energyWh);
    this.d.earningsChanged();
  }
}
