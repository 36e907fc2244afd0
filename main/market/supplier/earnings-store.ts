import type Database from 'better-sqlite3';
import type { EarningRow, ReconcileState } from '../../../common/market/earnings-types';

/** A verified payment as it goes into the earnings table. */
export interface NewEarning {
  signature: string;
  leaseId: string;
  increment: number;
  renter: string;
  amount: bigint;
  recipient: string;
  mint: string;
  reference: string;
  memo: string;
  network: string;
  gpuCount: number;
  electricityPricePerKwh: bigint;
  paidAtMs: number;
}

export interface StoredEarning extends NewEarning {
  gpuSeconds: number;
  energyWh: number;
  reconcile: ReconcileState;
  reconcileMessage: string | null;
  reconciledAtMs: number | null;
}

interface EarningDbRow {
  signature: string;
  lease_id: string;
  increment: number;
  renter: string;
  amount_base_units: string;
  recipient: string;
  mint: string;
  reference: string;
  memo: string;
  network: string;
  gpu_count: number;
  gpu_seconds: number;
  energy_wh: number;
  electricity_price_per_kwh: string;
  paid_at_ms: number;
  reconcile: ReconcileState;
  reconcile_message: string | null;
  reconciled_at_ms: number | null;
}

const fromRow = (r: EarningDbRow): StoredEarning => ({
  signature: r.signature,
  leaseId: r.lease_id,
  increment: r.increment,
  renter: r.renter,
  amount: BigInt(r.amount_base_units),
  recipient: r.recipient,
  mint: r.mint,
  reference: r.reference,
  memo: r.memo,
  network: r.network,
  gpuCount: r.gpu_count,
  electricityPricePerKwh: BigInt(r.electricity_price_per_kwh),
  paidAtMs: r.paid_at_ms,
  gpuSeconds: r.gpu_seconds,
  energyWh: r.energy_wh,
  reconcile: r.reconcile,
  reconcileMessage: r.reconcile_message,
  reconciledAtMs: r.reconciled_at_ms,
});

/** Energy cost in base units: Wh × (base units per kWh) / 1000, rounded to the nearest unit. */
export function energyCostOf(energyWh: number, pricePerKwh: bigint): bigint {
  const milliWh = BigInt(Math.round(energyWh * 1000));
  return (milliWh * pricePerKwh + 500_000n) / 1_000_000n;
}

export function toEarningRow(e: StoredEarning): EarningRow {
  const energyCost = energyCostOf(e.energyWh, e.electricityPricePerKwh);
  return {
    signature: e.signature,
    leaseId: e.leaseId,
    increment: e.increment,
    renter: e.renter,
    amount: e.amount.toString(),
    gpuSeconds: Math.round(e.gpuSeconds),
    energyWh: Math.round(e.energyWh * 1000) / 1000,
    energyCost: energyCost.toString(),
    net: (e.amount - energyCost).toString(),
    paidAtMs: e.paidAtMs,
    network: e.network,
    reconcile: e.reconcile,
    reconcileMessage: e.reconcileMessage,
    reconciledAtMs: e.reconciledAtMs,
  };
}

/**
 * Earnings in ledger.db (migration 4): one row per verified payment. The signature is the
 * primary key and (lease, increment) is unique, so a payment is counted once whichever
 * path (lease.paid, a welcome after a reconnect, a restart) records it. Inserts are their
 * own transaction, durable (synchronous=FULL) before anything acts on them.
 */
export class EarningsStore {
  constructor(private readonly db: Database.Database) {}

  /** True when the row is new; false when this payment was recorded before. */
  record(e: NewEarning): boolean {
    const insert = this.db.transaction(() =>
      this.db
        .prepare(
          `INSERT INTO earnings (signature, lease_id, increment, renter, amount_base_units, recipient, mint, reference, memo, network, gpu_count, electricity_price_per_kwh, paid_at_ms)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT DO NOTHING`,
        )
        .run(e.signature, e.leaseId, e.increment, e.renter, e.amount.toString(), e.recipient, e.mint, e.reference, e.memo, e.network, e.gpuCount, e.electricityPricePerKwh.toString(), e.paidAtMs),
    );
    return insert().changes === 1;
  }

  has(signature: string): boolean {
    return this.db.prepare('SELECT 1 FROM earnings WHERE signature = ?').pluck().get(signature) === 1;
  }

  forLease(leaseId: string): StoredEarning[] {
    return (this.db.prepare('SELECT * FROM earnings WHERE lease_id = ? ORDER BY increment').all(leaseId) as EarningDbRow[]).map(fromRow);
  }

  /** Adds delivered GPU-seconds and measured energy to one payment's row. */
  accrue(signature: string, gpuSeconds: number, energyWh: number): void {
    this.db.prepare('UPDATE earnings SET gpu_seconds = gpu_seconds + ?, energy_wh = energy_wh + ? WHERE signature = ?').run(Math.max(0, gpuSeconds), Math.max(0, energyWh), signature);
  }

  list(limit: number, beforeMs?: number): StoredEarning[] {
    const rows =
      beforeMs === undefined
        ? this.db.prepare('SELECT * FROM earnings ORDER BY paid_at_ms DESC, signature LIMIT ?').all(limit)
        : this.db.prepare('SELECT * FROM earnings WHERE paid_at_ms < ? ORDER BY paid_at_ms DESC, signature LIMIT ?').all(beforeMs, limit);
    return (rows as EarningDbRow[]).map(fromRow);
  }

  since(fromMs: number): StoredEarning[] {
    return (this.db.prepare('SELECT * FROM earnings WHERE paid_at_ms >= ? ORDER BY paid_at_ms').all(fromMs) as EarningDbRow[]).map(fromRow);
  }

  all(): StoredEarning[] {
    return (this.db.prepare('SELECT * FROM earnings ORDER BY paid_at_ms, signature').all() as EarningDbRow[]).map(fromRow);
  }

  setReconcile(signature: string, state: ReconcileState, message: string | null, atMs: number): void {
    this.db.prepare('UPDATE earnings SET reconcile = ?, reconcile_message = ?, reconciled_at_ms = ? WHERE signature = ?').run(state, message, atMs, signature);
  }
}
