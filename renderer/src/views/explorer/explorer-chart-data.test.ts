import { describe, expect, it } from 'vitest';
import { gpusChartData, utilisationChartData } from './explorer-chart-data';

describe('explorer chart data', () => {
  it('turns samples into aligned series', () => {
    const sample = { atMs: 2000, gpusOnline: 9, gpusLeased: 3, utilisation: 1 / 3, leasesRunning: 1, volumePaidAllTime: '0' };
    expect(gpusChartData([sample])).toEqual([[2], [9], [3]]);
    expect(utilisationChartData([sample])).toEqual([[2], [33.3]]);
  });
});
