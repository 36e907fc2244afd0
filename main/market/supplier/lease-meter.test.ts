import { describe, expect, it } from 'vitest';
import { paymentCoveringNow } from './lease-meter';

const rows = (...increments: number[]) => increments.map((increment) => ({ increment, signature: `s${increment}` }));
const HOUR = 3_600_000;

describe('paymentCoveringNow', () => {
  it('picks the payment of the increment running now, counted from the lease\'s start', () => {
    expect(paymentCoveringNow(rows(0, 1, 2), 0, HOUR, 0)?.increment).toBe(0);
    expect(paymentCoveringNow(rows(0, 1, 2), 0, HOUR, HOUR - 1)?.increment).toBe(0);
    expect(paymentCoveringNow(rows(0, 1, 2), 0, HOUR, HOUR)?.increment).toBe(1);
    expect(paymentCoveringNow(rows(0, 1, 2), 1_000, HOUR, 2 * HOUR + 999)?.increment).toBe(1);
  });

  it('falls back to the latest verified payment before now when the current increment is not paid (yet)', () => {
    expect(paymentCoveringNow(rows(0, 1), 0, HOUR, 5 * HOUR)?.increment).toBe(1);
    // Increment 1 was never verified: time in it still goes to increment 0.
    expect(paymentCoveringNow(rows(0, 2), 0, HOUR, HOUR + 1)?.increment).toBe(0);
  });

  it('uses the last payment when the start is unknown, and the first when none is that early', () => {
    expect(paymentCoveringNow(rows(0, 1, 2), null, HOUR, 0)?.increment).toBe(2);
    // A clock before the start (negative index) still lands on a row, never nowhere.
    expect(paymentCoveringNow(rows(1, 2), 10 * HOUR, HOUR, 0)?.increment).toBe(1);
  });

  it('has nothing to meter into without payments', () => {
    expect(paymentCoveringNow([], 0, HOUR, HOUR)).toBeNull();
  });
});
