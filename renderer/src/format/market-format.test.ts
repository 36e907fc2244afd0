import { describe, expect, it } from 'vitest';
import { clockToMinutes, formatDuration, formatGpuHours, formatKwh, minutesToClock, shortSignature } from './market-format';

describe('market format', () => {
  it('shortens signatures', () => {
    expect(shortSignature('5h3kAAAAAAAAAAAAAAAAAAAAAAAA9XzQ')).toBe('5h3kAA…AA9XzQ');
    expect(shortSignature('short')).toBe('short');
  });

  it('writes durations as people say them', () => {
    expect(formatDuration(0)).toBe('none');
    expect(formatDuration(45 * 60_000)).toBe('45 min');
    expect(formatDuration(150 * 60_000)).toBe('2 h 30 min');
    expect(formatDuration(20_000)).toBe('20 s');
    expect(formatDuration(7 * 86_400_000)).toBe('7 d');
  });

  it('writes GPU-hours and kWh', () => {
    expect(formatGpuHours(5400)).toBe('1.50 GPU-h');
    // A paid 10-minute increment on one GPU: minutes, not "0.00 GPU-hours"; its energy in Wh, not "0.000 kWh".
    expect(formatGpuHours(600)).toBe('10 GPU-min');
    expect(formatGpuHours(20)).toBe('20 GPU-s');
    expect(formatGpuHours(0)).toBe('0 GPU-h');
    expect(formatKwh(300)).toBe('300 Wh');
    expect(formatKwh(0.42)).toBe('0.4 Wh');
    expect(formatKwh(2500)).toBe('2.500 kWh');
    expect(formatKwh(0)).toBe('0 Wh');
  });

  it('converts clock times both ways', () => {
    expect(minutesToClock(0)).toBe('00:00');
    expect(minutesToClock(1440)).toBe('24:00');
    expect(clockToMinutes('9:30')).toBe(570);
    expect(clockToMinutes('24:00')).toBe(1440);
    expect(clockToMinutes('24:01')).toBeNull();
    expect(clockToMinutes('12:60')).toBeNull();
    expect(clockToMinutes('noon')).toBeNull();
  });
});
