import type { TelemetryMetric } from './gpu';

export const HISTORY_RANGES = ['1h', '24h', '7d'] as const;
export type HistoryRange = (typeof HISTORY_RANGES)[number];

export const HISTORY_RANGE_MS: Record<HistoryRange, number> = {
  '1h': 60 * 60 * 1000,
  '24h': 24 * 60 * 60 * 1000,
  '7d': 7 * 24 * 60 * 60 * 1000,
};

/**
 * One GPU's history in columns, the shape uPlot draws without copying:
 * `tMs[i]` goes with `values.temperatureC[i]` and so on. Downsampled points are averages.
 */
export interface TelemetrySeries {
  gpuUuid: string;
  resolutionMs: number;
  tMs: number[];
  values: Record<TelemetryMetric, Array<number | null>>;
}
