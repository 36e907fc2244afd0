import { describe, expect, it } from 'vitest';
import { leaseView } from '../../stores/rent-fixtures';
import { accruedCost, extensionCost, formatCountdown, formatVram, leaseStateText, leaseTone, perIncrementCost, plannedEndMs, terminationSummary } from './rent-format';

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

  it('adds bought internet egress per node-hour, as the hub does (issue 11)', () => {
    // Rank 1 bought egress at 0.06 per machine-hour: + 0.01 per 10-minute increment.
    const base = leaseView('l', { startedAtMs: 0, state: 'running' });
    const lease = { ...base, placement: { ...base.placement, nodes: base.placement.nodes.map((n) => (n.rank === 1 ? { ...n, egressPricePerHour: '60000' } : n)) } };
    expect(perIncrementCost(lease)).toBe(260_000n);
    expect(accruedCost(lease, 300_000)).toBe(130_000n);
  });

  it('says before Terminate what was paid, used, and is owed back as unused paid time', () => {
    // Two 10-minute increments paid (0.50 USDC), 5 minutes run at 0.25 USDC per 10 minutes.
    const running = leaseView('l', { startedAtMs: 0, state: 'running', incrementCount: 6, paidSoFar: '500000' });
    expect(terminationSummary(running, 300_000)).toEqual({ paid: 500_000n, used: 125_000n, unused: 375_000n });
    // Past what was paid (in the grace period): nothing comes back, and "used" never exceeds "paid".
    expect(terminationSummary(running, 1_800_000)).toEqual({ paid: 500_000n, used: 500_000n, unused: 0n });
    // Paid and never started: all of it is unused.
    expect(terminationSummary(leaseView('l', { paidSoFar: '250000' }), 300_000)).toEqual({ paid: 250_000n, used: 0n, unused: 250_000n });
  });

  it('prices an extension exactly and says when the lease will then end', () => {
    const lease = leaseView('l', { startedAtMs: 1_000, state: 'running', incrementCount: 6 });
    expect(plannedEndMs(lease)).toBe(1_000 + 6 * 600_000);
    expect(extensionCost(lease, 3)).toEqual({ cost: 750_000n, plannedEndMs: 1_000 + 9 * 600_000 });
    expect(plannedEndMs(leaseView('l'))).toBeNull();
  });
});
