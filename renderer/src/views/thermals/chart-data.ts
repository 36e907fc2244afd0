import type { AlignedData } from 'uplot';
import type { TelemetryMetric } from '../../../../common/hardware/gpu';
import type { TelemetrySeries } from '../../../../common/hardware/history';
import type { LiveBuffers } from '../../stores/telemetry-buffer';

/** One GPU's readings of one metric over time, before alignment. */
export interface Track {
  tMs: readonly number[];
  values: readonly (number | null)[];
}

export type ValueConvert = (value: number) => number;

const identity: ValueConvert = (v) => v;

/**
 * uPlot draws every series against one shared x array, but GPUs are sampled a few
 * milliseconds apart. Readings are put in slots of `slotMs` (1 s live, the
 * downsampling resolution for history). uPlot tells two kinds of holes apart, and so
 * does this:
 * - `undefined`: this GPU has no reading in a slot another GPU has (clock jitter put
 *   two ticks in one slot); uPlot joins the line across it.
 * - `null`: a gap. The driver reported no value, or no GPU has a reading for longer
 *   than `gapMs` (the app was closed, the sampler restarted) and a null slot is
 *   inserted; uPlot breaks the line there rather than draw through unmeasured time.
 * x comes out in seconds, as uPlot wants.
 */
export function alignTracks(tracks: readonly Track[], slotMs: number, gapMs = slotMs * 3): AlignedData {
  const slotSet = new Set<number>();
  for (const track of tracks) for (const t of track.tMs) slotSet.add(Math.round(t / slotMs));
  const sorted = [...slotSet].sort((a, b) => a - b);

  const slots: number[] = [];
  for (let i = 0; i < sorted.length; i++) {
    const slot = sorted[i]!;
    const prev = sorted[i - 1];
    if (prev !== undefined && (slot - prev) * slotMs > gapMs) slots.push(prev + 1);
    slots.push(slot);
  }

  const indexOf = new Map<number, number>();
  slots.forEach((slot, i) => indexOf.set(slot, i));

  const gapSlots = new Set(slots.filter((slot) => !slotSet.has(slot)));
  const ys = tracks.map((track) => {
    const column: (number | null | undefined)[] = slots.map((slot) => (gapSlots.has(slot) ? null : undefined));
    for (let i = 0; i < track.tMs.length; i++) {
      const index = indexOf.get(Math.round(track.tMs[i]! / slotMs));
      const value = track.values[i];
      if (index !== undefined) column[index] = value === undefined ? null : value;
    }
    return column;
  });

  const xs = slots.map((slot) => (slot * slotMs) / 1000);
  return [xs, ...ys] as AlignedData;
}

function convertAll(values: readonly (number | null)[], convert: ValueConvert): (number | null)[] {
  if (convert === identity) return values.slice();
  return values.map((v) => (v === null ? null : convert(v)));
}

/** Live chart data for one metric: a series per GPU in `gpuUuids` order. */
export function liveChartData(
  buffers: LiveBuffers,
  gpuUuids: readonly string[],
  metric: TelemetryMetric,
  convert: ValueConvert = identity,
): AlignedData {
  const tracks = gpuUuids.map((uuid) => {
    const samples = buffers[uuid] ?? [];
    return {
      tMs: samples.map((s) => s.tMs),
      values: convertAll(
        samples.map((s) => s[metric]),
        convert,
      ),
    };
  });
  // Live samples come once a second; a pause of 5 s means the sampler stopped.
  return alignTracks(tracks, 1000, 5000);
}

/** History chart data for one metric, at the coarsest resolution among the series. */
export function historyChartData(
  series: readonly TelemetrySeries[],
  gpuUuids: readonly string[],
  metric: TelemetryMetric,
  convert: ValueConvert = identity,
): AlignedData {
  const byUuid = new Map(series.map((s) => [s.gpuUuid, s]));
  const slotMs = Math.max(1000, ...series.map((s) => s.resolutionMs));
  const tracks = gpuUuids.map((uuid) => {
    const s = byUuid.get(uuid);
    return s ? { tMs: s.tMs, values: convertAll(s.values[metric] ?? [], convert) } : { tMs: [], values: [] };
  });
  return alignTracks(tracks, slotMs, slotMs * 3);
}

/** How many points a chart currently plots: the length of its x array. */
export function pointCount(data: AlignedData): number {
  return data[0]?.length ?? 0;
}

/** Whether any series has at least one value: an all-null chart gets a note instead. */
export function hasValues(data: AlignedData): boolean {
  for (let i = 1; i < data.length; i++) {
    const column = data[i] as ArrayLike<number | null | undefined>;
    for (let j = 0; j < column.length; j++) if (column[j] !== null && column[j] !== undefined) return true;
  }
  return false;
}
