import { describe, expect, it } from 'vitest';
import { displayAmount, displayDecimals } from './display-amount';
import { SOL } from './token';
import { tokenAmount } from './token-amount';
import { USDC } from './token-registry';

describe('displayAmount', () => {
  it('shows a fixed number of decimals per token, rounded to the nearest, with every digit kept for the tooltip', () => {
    expect(displayDecimals(USDC)).toBe(2);
    expect(displayDecimals(SOL)).toBe(4);
    expect(displayAmount(tokenAmount(USDC, 650_000n))).toEqual({ text: '0.65 USDC', exact: '0.65 USDC', rounded: false });
    expect(displayAmount(tokenAmount(USDC, 216_667n))).toEqual({ text: '0.22 USDC', exact: '0.216667 USDC', rounded: true });
    expect(displayAmount(tokenAmount(USDC, 250_000_000n)).text).toBe('250.00 USDC');
    expect(displayAmount(tokenAmount(USDC, 1_234_567_890n)).text).toBe('1,234.57 USDC');
    expect(displayAmount(tokenAmount(USDC, 1_500_001n), { signed: true })).toEqual({ text: '+1.50 USDC', exact: '+1.500001 USDC', rounded: true });
    expect(displayAmount(tokenAmount(USDC, -1_995_000n)).text).toBe('−2.00 USDC');
    expect(displayAmount(tokenAmount(SOL, 5_000n)).text).toBe('< 0.0001 SOL');
    expect(displayAmount(tokenAmount(SOL, 2_000_000_000n)).text).toBe('2.0000 SOL');
  });

  it('never shows a non-zero amount as zero', () => {
    expect(displayAmount(tokenAmount(USDC, 1n)).text).toBe('< 0.01 USDC');
    expect(displayAmount(tokenAmount(USDC, -1n)).text).toBe('> −0.01 USDC');
    expect(displayAmount(tokenAmount(USDC, 0n)).text).toBe('0.00 USDC');
    expect(displayAmount({ token: { symbol: 'PTS', decimals: 0 }, baseUnits: 7n }).text).toBe('7 PTS');
  });
});
