import type { AlignedData } from 'uplot';
import type { ExplorerSample } from '../../../../common/market/market-hub-types';

/** GPUs online and leased over time (x in seconds, as uPlot wants). */
export function gpusChartData(history: ExplorerSample[]): AlignedData {
  return [history.map((s) => s.atMs / 1000), history.map((s) => s.gpusOnline), history.map((s) => s.gpusLeased)];
}

/** Utilisation as a percentage over time. */
export function utilisationChartData(history: ExplorerSample[]): AlignedData {
  return [history.map((s) => s.atMs / 1000), history.map((s) => Math.round(s.utilisation * 1000) / 10)];
}
