import { describe, expect, it } from 'vitest';
import { leaseView } from '../../stores/rent-fixtures';
import { accruedCost, formatCountdown, formatVram, leaseStateText, leaseTone, perIncrementCost } from './rent-format';

describe('rent format', () => {
  it('counts down in minutes and seconds, with hours when needed', () => {
    expect(formatCountdown(65_000, 0)).toBe('1:05');
    expect(formatCountdown(3_723_000, 0)).toBe('1:02:03');
    expect(formatCountdown(0, 5)).toBe('now');
  });

  it('names states and their tones', () => {
    expect(leaseStateText('ended', 'supplier-lost')).toBe('Ended · supplier lost');
    expect(leaseTone('ended', 'unpaid')).toBe('error');
    expect(leaseTone('ended', 'completed')).toBe('neutral');
    expect(leaseTone('running', null)).toBe('ok');
  });

  it('shows VRAM as GB', () => {
    expect(formatVram(16_384)).toBe('16 GB');
    expect(formatVram(24_564)).toBe('24 GB');
    expect(formatVram(6_144)).toBe('6 GB');
  });

  it('prices the cluster per increment and accrues cost while it runs', () => {
    // 2 × 0.45 + 1 × 0.60 USDC per GPU-hour, for 10 minutes = 0.25 USDC.
    const lease = leaseView('l', { startedAtMs: 0, state: 'running' });
    expect(perIncrementCost(lease)).toBe(250_000n);
    expect(accruedCost(lease, 300_000)).toBe(125_000n);
    expect(accruedCost(leaseView('l'), 300_000)).toBe(0n);
  });
});
