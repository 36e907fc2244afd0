import type { TelemetrySample } from '../../../common/hardware/gpu';

/**
 * The live telemetry window: per GPU, the samples of the last ten minutes, oldest
 * first. It behaves as a ring buffer (the oldest sample falls out when a new one
 * comes in) but is kept as immutable arrays, because zustand and the charts both
 * detect changes by reference: a GPU whose samples did not change keeps its array.
 */
export type LiveBuffers = Readonly<Record<string, readonly TelemetrySample[]>>;

export const LIVE_WINDOW_MS = 10 * 60 * 1000;

/**
 * A hard cap per GPU on top of the time window, so a sender that goes faster than
 * 1 Hz (or a clock that jumps) can never grow the buffer without bound.
 */
export const MAX_SAMPLES_PER_GPU = 1200;

export interface MergeOptions {
  windowMs?: number;
  maxSamplesPerGpu?: number;
}

/**
 * Adds samples to the window. Samples may arrive out of order (the `telemetry:recent`
 * answer lands after the first live events), may repeat (the same tick in both), and
 * may name GPUs not seen before. The window ends at the newest sample of any GPU, not
 * at the wall clock, so a GPU that stops reporting drains out and is dropped.
 */
export function mergeSamples(
  buffers: LiveBuffers,
  incoming: readonly TelemetrySample[],
  options: MergeOptions = {},
): LiveBuffers {
  const windowMs = options.windowMs ?? LIVE_WINDOW_MS;
  const cap = options.maxSamplesPerGpu ?? MAX_SAMPLES_PER_GPU;
  if (incoming.length === 0) return buffers;

  const byGpu = new Map<string, TelemetrySample[]>();
  for (const sample of incoming) {
    if (!Number.isFinite(sample.tMs)) continue;
    const list = byGpu.get(sample.gpuUuid);
    if (list) list.push(sample);
    else byGpu.set(sample.gpuUuid, [sample]);
  }
  if (byGpu.size === 0) return buffers;

  const merged: Record<string, readonly TelemetrySample[]> = { ...buffers };
  for (const [uuid, samples] of byGpu) {
    merged[uuid] = insertSorted(buffers[uuid] ?? [], samples);
  }

  let newestMs = -Infinity;
  for (const samples of Object.values(merged)) {
    const last = samples[samples.length - 1];
    if (last && last.tMs > newestMs) newestMs = last.tMs;
  }
  const cutoffMs = newestMs - windowMs;

  const result: Record<string, readonly TelemetrySample[]> = {};
  for (const [uuid, samples] of Object.entries(merged)) {
    const trimmed = trimWindow(samples, cutoffMs, cap);
    if (trimmed.length > 0) result[uuid] = trimmed;
  }
  return result;
}

/** Merges new samples into a sorted list; a sample with a time already held replaces it. */
function insertSorted(existing: readonly TelemetrySample[], added: TelemetrySample[]): readonly TelemetrySample[] {
  added.sort((a, b) => a.tMs - b.tMs);
  const first = added[0];
  const last = existing[existing.length - 1];
  // The common case, once a second: every new sample is newer than what is held.
  if (first && (!last || first.tMs > last.tMs)) {
    return existing.concat(dedupeSorted(added));
  }
  const byTime = new Map<number, TelemetrySample>();
  for (const s of existing) byTime.set(s.tMs, s);
  for (const s of added) byTime.set(s.tMs, s);
  return [...byTime.values()].sort((a, b) => a.tMs - b.tMs);
}

function dedupeSorted(samples: TelemetrySample[]): TelemetrySample[] {
  const out: TelemetrySample[] = [];
  for (const s of samples) {
    const prev = out[out.length - 1];
    if (prev && prev.tMs === s.tMs) out[out.length - 1] = s;
    else out.push(s);
  }
  return out;
}

function trimWindow(samples: readonly TelemetrySample[], cutoffMs: number, cap: number): readonly TelemetrySample[] {
  let start = 0;
  while (start < samples.length && samples[start]!.tMs < cutoffMs) start++;
  start = Math.max(start, samples.length - cap);
  return start === 0 ? samples : samples.slice(start);
}

/** The newest sample of each GPU: the "current values" everywhere in the UI. */
export function latestSamples(buffers: LiveBuffers): Record<string, TelemetrySample> {
  const out: Record<string, TelemetrySample> = {};
  for (const [uuid, samples] of Object.entries(buffers)) {
    const last = samples[samples.length - 1];
    if (last) out[uuid] = last;
  }
  return out;
}
