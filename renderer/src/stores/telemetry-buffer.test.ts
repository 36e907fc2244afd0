import { describe, expect, it } from 'vitest';
import { latestSamples, mergeSamples } from './telemetry-buffer';
import { sample } from './sample-factory';

const times = (samples: readonly { tMs: number }[] | undefined) => (samples ?? []).map((s) => s.tMs);

describe('mergeSamples', () => {
  it('appends new samples per GPU in time order', () => {
    let buffers = mergeSamples({}, [sample('A', 1000), sample('B', 1000)]);
    buffers = mergeSamples(buffers, [sample('A', 2000), sample('B', 2000)]);
    expect(times(buffers.A)).toEqual([1000, 2000]);
    expect(times(buffers.B)).toEqual([1000, 2000]);
  });

  it('merges an older batch (telemetry:recent) arriving after live events, without duplicates', () => {
    const live = mergeSamples({}, [sample('A', 5000), sample('A', 6000)]);
    const recent = [3000, 4000, 5000].map((t) => sample('A', t, { temperatureC: t / 100 }));
    const merged = mergeSamples(live, recent);
    expect(times(merged.A)).toEqual([3000, 4000, 5000, 6000]);
    // The same tick in both: one sample kept.
    expect(merged.A?.filter((s) => s.tMs === 5000)).toHaveLength(1);
  });

  it('sorts an unordered batch and keeps the last sample of a repeated time', () => {
    const merged = mergeSamples({}, [
      sample('A', 3000),
      sample('A', 1000, { temperatureC: 40 }),
      sample('A', 1000, { temperatureC: 41 }),
      sample('A', 2000),
    ]);
    expect(times(merged.A)).toEqual([1000, 2000, 3000]);
    expect(merged.A?.[0]?.temperatureC).toBe(41);
  });

  it('drops samples older than the window, measured from the newest sample', () => {
    let buffers = {};
    for (let t = 0; t <= 20_000; t += 1000) buffers = mergeSamples(buffers, [sample('A', t)], { windowMs: 5000 });
    expect(times((buffers as Record<string, never[]>).A)).toEqual([15_000, 16_000, 17_000, 18_000, 19_000, 20_000]);
  });

  it('drains and forgets a GPU that stopped reporting', () => {
    let buffers = mergeSamples({}, [sample('gone', 0), sample('A', 0)], { windowMs: 2000 });
    buffers = mergeSamples(buffers, [sample('A', 1000)], { windowMs: 2000 });
    expect(Object.keys(buffers).sort()).toEqual(['A', 'gone']);
    buffers = mergeSamples(buffers, [sample('A', 3000)], { windowMs: 2000 });
    expect(Object.keys(buffers)).toEqual(['A']);
  });

  it('caps each GPU at a number of samples even inside the window', () => {
    const burst = Array.from({ length: 50 }, (_, i) => sample('A', i));
    const merged = mergeSamples({}, burst, { windowMs: 60_000, maxSamplesPerGpu: 10 });
    expect(times(merged.A)).toEqual([40, 41, 42, 43, 44, 45, 46, 47, 48, 49]);
  });

  it('keeps the array of a GPU that got no new sample, so charts can skip it', () => {
    const before = mergeSamples({}, [sample('A', 1000), sample('B', 1000)]);
    const after = mergeSamples(before, [sample('A', 2000)]);
    expect(after.B).toBe(before.B);
    expect(after.A).not.toBe(before.A);
  });

  it('returns the same buffers for an empty batch', () => {
    const before = mergeSamples({}, [sample('A', 1000)]);
    expect(mergeSamples(before, [])).toBe(before);
  });
});

describe('latestSamples', () => {
  it('gives the newest sample of each GPU', () => {
    const buffers = mergeSamples({}, [sample('A', 2000, { temperatureC: 70 }), sample('A', 1000), sample('B', 500)]);
    const latest = latestSamples(buffers);
    expect(latest.A?.temperatureC).toBe(70);
    expect(latest.B?.tMs).toBe(500);
  });
});
