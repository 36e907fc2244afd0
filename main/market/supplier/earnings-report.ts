import { formatAmount } from '../../../common/money/amount-text';
import type { TokenUnit } from '../../../common/money/token';
import type { EarningsCsv, EarningsDay, EarningsSummary, EarningsTotals } from '../../../common/market/earnings-types';
import { toEarningRow } from './earnings-store';
import type { StoredEarning } from './earnings-store';
import { incrementNumber } from '../../../common/market/increment-number';

const DAY_MS = 86_400_000;

/** Local midnight of the day holding `ms` (days in the owner's own time zone). */
export function localDayStartMs(ms: number): number {
  const d = new Date(ms);
  d.setHours(0, 0, 0, 0);
  return d.getTime();
}

/** Local midnight `days` days before the day holding `ms` (DST-safe: by calendar, not by 24 h). */
function localDaysBefore(ms: number, days: number): number {
  const d = new Date(localDayStartMs(ms));
  d.setDate(d.getDate() - days);
  return d.getTime();
}

function totalsOf(rows: readonly StoredEarning[]): EarningsTotals {
  let gross = 0n;
  let energyCost = 0n;
  let gpuSeconds = 0;
  for (const row of rows) {
    const r = toEarningRow(row);
    gross += row.amount;
    energyCost += BigInt(r.energyCost);
    gpuSeconds += r.gpuSeconds;
  }
  return { gross: gross.toString(), energyCost: energyCost.toString(), net: (gross - energyCost).toString(), gpuSeconds, payments: rows.length };
}

/**
 * Today (since local midnight), the week (the last 7 local days), the month (the last 30)
 * and all time, plus one entry per local day for the chart, oldest first, empty days too.
 */
export function summarizeEarnings(rows: readonly StoredEarning[], nowMs: number, days: number, token: TokenUnit, network: string): EarningsSummary {
  // Totals belong to one network: Sandbox test money and a grid's real money never add up.
  const all = rows.filter((r) => r.network === network);
  const others = new Map<string, number>();
  for (const r of rows) if (r.network !== network) others.set(r.network, (others.get(r.network) ?? 0) + 1);
  const today = localDayStartMs(nowMs);
  const from = (d: number) => all.filter((r) => r.paidAtMs >= localDaysBefore(nowMs, d));
  const series: EarningsDay[] = [];
  for (let i = days - 1; i >= 0; i--) {
    const start = localDaysBefore(nowMs, i);
    const end = i === 0 ? Number.POSITIVE_INFINITY : localDaysBefore(nowMs, i - 1);
    series.push({ dayStartMs: start, ...totalsOf(all.filter((r) => r.paidAtMs >= start && r.paidAtMs < end)) });
  }
  return {
    today: totalsOf(all.filter((r) => r.paidAtMs >= today)),
    week: totalsOf(from(6)),
    month: totalsOf(from(29)),
    allTime: totalsOf(all),
    days: series,
    token: token.symbol,
    decimals: token.decimals,
    network,
    otherNetworks: [...others].map(([name, payments]) => ({ network: name, payments })).sort((a, b) => a.network.localeCompare(b.network)),
  };
}

/** Base units as a decimal amount with every digit of the token ("1234567" of USDC → "1.234567"; negative keeps its sign). */
function csvAmount(baseUnits: bigint, token: TokenUnit): string {
  return formatAmount({ token, baseUnits }, { minFractionDigits: token.decimals, grouping: false });
}

/** RFC 4180: a field with a comma, quote or line break is quoted, quotes doubled. */
export function csvField(value: string | number | null): string {
  const text = value === null ? '' : String(value);
  // A leading =, +, - or @ would run as a formula in a spreadsheet; a quote mark disarms it.
  const safe = /^[=+@]/.test(text) || (/^-/.test(text) && !/^-\d/.test(text)) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** The CSV's columns; the money columns name the token their amounts are in ("amount_usdc"). */
export function earningsCsvHeader(token: TokenUnit): string[] {
  const unit = token.symbol.toLowerCase();
  return EARNINGS_CSV_COLUMNS.map((c) => c.replace('{token}', unit));
}

const EARNINGS_CSV_COLUMNS = [
  'paid_at_utc',
  'signature',
  'network',
  'lease_id',
  'increment',
  'renter',
  'amount_{token}',
  'gpu_seconds',
  'energy_wh',
  'energy_cost_{token}',
  'net_{token}',
  'reconcile',
  'reconcile_message',
] as const;

export function earningsCsv(rows: readonly StoredEarning[], token: TokenUnit, nowMs: number): EarningsCsv {
  const lines = [earningsCsvHeader(token).join(',')];
  for (const stored of rows) {
    const r = toEarningRow(stored);
    lines.push(
      [
        new Date(r.paidAtMs).toISOString(),
        r.signature,
        r.network,
        r.leaseId,
        incrementNumber(r.increment),
        r.renter,
        csvAmount(BigInt(r.amount), token),
        r.gpuSeconds,
        r.energyWh,
        csvAmount(BigInt(r.energyCost), token),
        csvAmount(BigInt(r.net), token),
        r.reconcile,
        r.reconcileMessage,
      ]
        .map(csvField)
        .join(','),
    );
  }
  const day = new Date(nowMs).toISOString().slice(0, 10);
  return { filename: `idlegrid-earnings-${day}.csv`, csv: `${lines.join('\r\n')}\r\n` };
}

export { DAY_MS };
