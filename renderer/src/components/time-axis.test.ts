import { describe, expect, it } from 'vitest';
import { tickGranularity, timeTickLabels } from './time-axis';

describe('time axis', () => {
  it('labels ticks as finely as their spacing needs', () => {
    expect(tickGranularity(15)).toBe('seconds');
    expect(tickGranularity(60)).toBe('minutes');
    expect(tickGranularity(6 * 3600)).toBe('minutes');
    expect(tickGranularity(24 * 3600)).toBe('days');
  });

  it('gives one label per tick', () => {
    const labels = timeTickLabels([0, 30, 60], 30);
    expect(labels).toHaveLength(3);
    expect(new Set(labels).size).toBe(3);
  });
});
