import { describe, expect, it } from 'vitest';
import { formatBandwidth, formatRtt, pathTone } from './mesh-format';

describe('mesh matrix words', () => {
  it('formats latency and bandwidth with sensible precision, and a dash while unknown', () => {
    expect(formatRtt(0.423)).toBe('0.42 ms');
    expect(formatRtt(12.34)).toBe('12.3 ms');
    expect(formatRtt(180.4)).toBe('180 ms');
    expect(formatRtt(null)).toBe('—');
    expect(formatBandwidth(2_140_000_000)).toBe('2.1 Gbit/s');
    expect(formatBandwidth(940_200_000)).toBe('940 Mbit/s');
    expect(formatBandwidth(512_000)).toBe('512 kbit/s');
    expect(formatBandwidth(null)).toBe('—');
  });

  it('shows a relayed pair as information, not as a fault', () => {
    expect(pathTone('direct')).toBe('ok');
    expect(pathTone('relayed')).toBe('info');
    expect(pathTone('down')).toBe('error');
  });
});
