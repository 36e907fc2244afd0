import { describe, expect, it } from 'vitest';
import { earningsChartData, chartNumber } from './earnings-chart-data';

describe('earnings chart data', () => {
  it('turns days into seconds and USDC', () => {
    const day = { dayStartMs: 86_400_000, gross: '1500000', energyCost: '100000', net: '1400000', gpuSeconds: 1, payments: 1 };
    expect(earningsChartData([day], 6)).toEqual([[86_400], [1.5], [1.4]]);
    expect(chartNumber('-250000', 6)).toBe(-0.25);
  });
});
