import { describe, expect, it } from 'vitest';
import type { TelemetrySeries } from '../../../../common/hardware/history';
import { mergeSamples } from '../../stores/telemetry-buffer';
import { sample } from '../../stores/sample-factory';
import { alignTracks, hasValues, historyChartData, liveChartData, pointCount } from './chart-data';

describe('alignTracks', () => {
  it('puts readings a few ms apart in the same slot and gives x in seconds', () => {
    const data = alignTracks(
      [
        { tMs: [10_002, 11_001], values: [1, 2] },
        { tMs: [9_998, 11_004], values: [10, 20] },
      ],
      1000,
    );
    expect(data[0]).toEqual([10, 11]);
    expect(data[1]).toEqual([1, 2]);
    expect(data[2]).toEqual([10, 20]);
  });

  it('leaves a slot only another GPU has undefined, so uPlot joins the line across it', () => {
    const data = alignTracks(
      [
        { tMs: [1000, 2000, 3000], values: [1, 2, 3] },
        { tMs: [1000, 3000], values: [7, 9] },
      ],
      1000,
    );
    expect(data[2]).toEqual([7, undefined, 9]);
  });

  it('breaks the line over a long gap with a null slot for every GPU', () => {
    const data = alignTracks(
      [
        { tMs: [1000, 2000, 60_000], values: [1, 2, 3] },
        { tMs: [1000, 60_000], values: [5, 6] },
      ],
      1000,
      5000,
    );
    expect(data[0]).toEqual([1, 2, 3, 60]);
    expect(data[1]).toEqual([1, 2, null, 3]);
    expect(data[2]).toEqual([5, undefined, null, 6]);
  });

  it('keeps a value the driver did not report as a gap (null)', () => {
    const data = alignTracks([{ tMs: [1000, 2000, 3000], values: [1, null, 3] }], 1000);
    expect(data[1]).toEqual([1, null, 3]);
  });

  it('copes with no tracks and empty tracks', () => {
    expect(alignTracks([], 1000)).toEqual([[]]);
    expect(alignTracks([{ tMs: [], values: [] }], 1000)).toEqual([[], []]);
  });
});

describe('liveChartData', () => {
  it('plots a series per GPU in the given order, converting values', () => {
    const buffers = mergeSamples({}, [
      sample('A', 1000, { temperatureC: 50 }),
      sample('B', 1003, { temperatureC: 60 }),
      sample('A', 2000, { temperatureC: 51 }),
      sample('B', 2001, { temperatureC: null }),
    ]);
    const data = liveChartData(buffers, ['B', 'A'], 'temperatureC', (c) => c * 2);
    expect(data[0]).toEqual([1, 2]);
    expect(data[1]).toEqual([120, null]);
    expect(data[2]).toEqual([100, 102]);
    expect(pointCount(data)).toBe(2);
  });

  it('gives an empty series for a GPU without samples', () => {
    const buffers = mergeSamples({}, [sample('A', 1000)]);
    const data = liveChartData(buffers, ['A', 'missing'], 'powerW');
    expect(data[2]).toEqual([undefined]);
  });
});

describe('historyChartData', () => {
  const values = (n: number) => ({
    temperatureC: Array.from({ length: n }, (_, i) => 40 + i),
    powerW: Array.from({ length: n }, () => 100),
    utilizationPct: Array.from({ length: n }, () => null),
    vramUsedMiB: Array.from({ length: n }, () => 0),
    fanPct: Array.from({ length: n }, () => 30),
    smClockMHz: Array.from({ length: n }, () => 1500),
  });

  it('aligns series on the coarsest resolution', () => {
    const series: TelemetrySeries[] = [
      { gpuUuid: 'A', resolutionMs: 60_000, tMs: [0, 60_000, 120_000], values: values(3) },
      { gpuUuid: 'B', resolutionMs: 60_000, tMs: [60_000, 120_000], values: values(2) },
    ];
    const data = historyChartData(series, ['A', 'B'], 'temperatureC');
    expect(data[0]).toEqual([0, 60, 120]);
    expect(data[1]).toEqual([40, 41, 42]);
    expect(data[2]).toEqual([undefined, 40, 41]);
  });

  it('keeps nulls as gaps and plots nothing for a GPU without history', () => {
    const series: TelemetrySeries[] = [{ gpuUuid: 'A', resolutionMs: 1000, tMs: [0, 1000], values: values(2) }];
    const data = historyChartData(series, ['A', 'B'], 'utilizationPct');
    expect(data[1]).toEqual([null, null]);
    expect(data[2]).toEqual([undefined, undefined]);
  });
});

describe('hasValues', () => {
  it('tells a chart with something to draw from an all-null one', () => {
    expect(hasValues([[1, 2], [null, null], [null, 3]])).toBe(true);
    expect(hasValues([[1, 2], [null, null]])).toBe(false);
    expect(hasValues([[1, 2], [undefined, null]])).toBe(false);
    expect(hasValues([[]])).toBe(false);
  });
});
