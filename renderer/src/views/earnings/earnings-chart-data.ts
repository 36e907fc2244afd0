import type { AlignedData } from 'uplot';
import type { EarningsDay } from '../../../../common/market/earnings-types';

/** Base units → whole tokens as a float: for chart heights only, never for amounts shown as text. */
export function chartNumber(baseUnits: string, decimals: number): number {
  return Number(BigInt(baseUnits)) / 10 ** decimals;
}

/** One point per day at local midnight (seconds, as uPlot wants), gross and net. */
export function earningsChartData(days: EarningsDay[], decimals: number): AlignedData {
  return [
    days.map((d) => d.dayStartMs / 1000),
    days.map((d) => chartNumber(d.gross, decimals)),
    days.map((d) => chartNumber(d.net, decimals)),
  ];
}
