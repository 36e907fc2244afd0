/**
 * Earnings: one row per verified payment this machine received. Amounts are payment-token base
 * units (decimal strings); energy is measured (power draw of the leased GPUs over the
 * increment's run time) and priced at the owner's electricity price.
 */
export type ReconcileState = 'unchecked' | 'ok' | 'mismatch';

export interface EarningRow {
  signature: string;
  leaseId: string;
  increment: number;
  renter: string;
  amount: string;
  /** GPU-seconds delivered for this payment so far (grows while its increment runs). */
  gpuSeconds: number;
  /** Measured energy for those GPU-seconds, watt-hours. */
  energyWh: number;
  /** energyWh × electricity price, base units. */
  energyCost: string;
  /** amount − energyCost (may be negative: a decimal string with a leading "-"). */
  net: string;
  paidAtMs: number;
  network: string;
  reconcile: ReconcileState;
  reconcileMessage: string | null;
  reconciledAtMs: number | null;
}

export interface EarningsTotals {
  gross: string;
  energyCost: string;
  net: string;
  gpuSeconds: number;
  payments: number;
}

export interface EarningsDay extends EarningsTotals {
  /** Local midnight of the day, ms. */
  dayStartMs: number;
}

export interface EarningsSummary {
  today: EarningsTotals;
  week: EarningsTotals;
  month: EarningsTotals;
  allTime: EarningsTotals;
  /** The last `days` days, oldest first, including days with nothing. */
  days: EarningsDay[];
  /** The payment token's symbol and decimals: every amount above is its base units. */
  token: string;
  decimals: number;
  /** The network every total above is on (the app's current one). */
  network: string;
  /** Payments received on other networks, left out of the totals above (they are in the table and the CSV). */
  otherNetworks: Array<{ network: string; payments: number }>;
}

export interface EarningsCsv {
  filename: string;
  csv: string;
}

/** A payment found on chain to this machine's address with an Idlegrid memo and no earnings row. */
export interface RecoveredPayment {
  signature: string;
  leaseId: string;
  increment: number;
  /** True when it verified and now has its earnings row. */
  booked: boolean;
  /** Why it was not booked (null when it was). */
  reason: string | null;
}

export interface ReconcileReport {
  checked: number;
  ok: number;
  mismatched: Array<{ signature: string; reason: string }>;
  /** Payments found on chain that had no row (issue 19, item 3); absent when the chain was not searched. */
  found?: RecoveredPayment[];
  atMs: number;
}
