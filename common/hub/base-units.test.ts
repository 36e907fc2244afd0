import { describe, expect, it } from 'vitest';
import { costForGpuTime, costForIncrement, costForIncrements } from './base-units';

const TEN_MIN_MS = 10 * 60_000;

describe('costForIncrement', () => {
  it('makes three 10-minute increments at 1.30 USDC per GPU-hour cost exactly 0.65, not 0.650001', () => {
    const parts = [0, 1, 2].map((k) => costForIncrement(1_300_000n, 1, TEN_MIN_MS, k));
    // Rounding each increment up on its own gave 216667 × 3 = 650001.
    expect(costForGpuTime(1_300_000n, 1, TEN_MIN_MS) * 3n).toBe(650_001n);
    expect(parts).toEqual([216_667n, 216_667n, 216_666n]);
    expect(parts.reduce((a, b) => a + b, 0n)).toBe(650_000n);
    expect(costForIncrements(1_300_000n, 1, TEN_MIN_MS, 3)).toBe(650_000n);
  });

  it('sums exactly at every prefix, never pays a supplier less than the offer, and differs by at most one base unit', () => {
    for (const [price, gpus, incrementMs] of [
      [1_300_000n, 1, TEN_MIN_MS],
      [333_333n, 7, 37_000],
      [1n, 3, 1_000],
      [999_999_999n, 8, 3_600_000],
    ] as const) {
      let sum = 0n;
      const first = costForIncrement(price, gpus, incrementMs, 0);
      for (let k = 0; k < 50; k++) {
        const part = costForIncrement(price, gpus, incrementMs, k);
        sum += part;
        expect(first - part === 0n || first - part === 1n).toBe(true);
        expect(sum).toBe(costForGpuTime(price, gpus, (k + 1) * incrementMs));
        // Rounded up once: never below the exact price of the time delivered so far.
        expect(sum * 3_600_000n >= price * BigInt(gpus) * BigInt((k + 1) * incrementMs)).toBe(true);
      }
    }
  });

  it('refuses a negative or fractional index', () => {
    expect(() => costForIncrement(1n, 1, 1000, -1)).toThrow(RangeError);
    expect(() => costForIncrement(1n, 1, 1000, 0.5)).toThrow(RangeError);
  });
});
