import { describe, expect, it } from 'vitest';
import { unusedAmount } from './refund-amount';

describe('unusedAmount: the unpaid-for rest of an increment, pro rata', () => {
  const START = 1_000_000;
  const LEN = 60_000;

  it('gives back the part of the increment after the machine stopped serving it', () => {
    expect(unusedAmount(600n, 0, START, LEN, START + 15_000)).toBe(450n);
    expect(unusedAmount(600n, 2, START, LEN, START + 2 * LEN + 30_000)).toBe(300n);
  });

  it('gives back everything of an increment not reached, and nothing of one served in full', () => {
    expect(unusedAmount(600n, 3, START, LEN, START + LEN)).toBe(600n);
    expect(unusedAmount(600n, 0, START, LEN, START + LEN)).toBe(0n);
    expect(unusedAmount(600n, 0, START, LEN, START + 5 * LEN)).toBe(0n);
  });

  it('gives back all of a lease that never started, and rounds down (never more than was paid)', () => {
    expect(unusedAmount(600n, 0, null, LEN, START)).toBe(600n);
    expect(unusedAmount(1n, 0, START, LEN, START + 1)).toBe(0n);
    expect(unusedAmount(7n, 0, START, 3, START + 1)).toBe(4n);
  });
});
