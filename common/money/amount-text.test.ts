import { describe, expect, it } from 'vitest';
import { formatAmount, parseAmount } from './amount-text';
import { SOL } from './token';
import type { TokenUnit } from './token';
import { U64_MAX, isBaseUnits, tokenAmount } from './token-amount';
import { USDC } from './token-registry';

const TWO: TokenUnit = { symbol: 'EURT', decimals: 2 };
const NINE: TokenUnit = { symbol: 'NINE', decimals: 9 };
const WHOLE: TokenUnit = { symbol: 'PTS', decimals: 0 };

describe('formatAmount', () => {
  it('formats base units exactly, without floats', () => {
    expect(formatAmount(tokenAmount(USDC, 1_500_000n))).toBe('1.5');
    expect(formatAmount(tokenAmount(USDC, 1n))).toBe('0.000001');
    expect(formatAmount(tokenAmount(USDC, 1_234_567_000_000n))).toBe('1,234,567');
    expect(formatAmount(tokenAmount(USDC, 2n), { minFractionDigits: 2 })).toBe('0.000002');
    expect(formatAmount(tokenAmount(USDC, 5_000_000n), { minFractionDigits: 2 })).toBe('5.00');
    expect(formatAmount(tokenAmount(USDC, -250_000_000n))).toBe('-250');
    expect(formatAmount(tokenAmount(NINE, U64_MAX))).toBe('18,446,744,073.709551615');
    expect(formatAmount(tokenAmount(TWO, 1234n))).toBe('12.34');
    expect(formatAmount(tokenAmount(WHOLE, 1234n), { minFractionDigits: 2 })).toBe('1,234');
  });

  it('writes the symbol and signs when asked', () => {
    expect(formatAmount(tokenAmount(USDC, '250000000'), { minFractionDigits: 2, symbol: true })).toBe('250.00 USDC');
    expect(formatAmount(tokenAmount(USDC, 1_500_001n), { sign: 'explicit', symbol: true })).toBe('+1.500001 USDC');
    expect(formatAmount(tokenAmount(SOL, -5000n), { sign: 'typographic', symbol: true })).toBe('−0.000005 SOL');
    expect(formatAmount(tokenAmount(SOL, 0n), { sign: 'explicit', symbol: true })).toBe('0 SOL');
    expect(formatAmount(tokenAmount(TWO, 5n), { symbol: true })).toBe('0.05 EURT');
  });

  it('cuts to a fixed number of digits rounding toward zero, and can leave out grouping', () => {
    const cents = { minFractionDigits: 2, maxFractionDigits: 2, grouping: false } as const;
    expect(formatAmount(tokenAmount(USDC, 999_999n), cents)).toBe('0.99');
    expect(formatAmount(tokenAmount(USDC, 0n), cents)).toBe('0.00');
    expect(formatAmount(tokenAmount(USDC, U64_MAX), cents)).toBe('18446744073709.55');
    expect(formatAmount(tokenAmount(USDC, 1_000_500_000n), { grouping: false })).toBe('1000.5');
  });
});

describe('parseAmount', () => {
  it('parses what people type into base units of the token', () => {
    expect(parseAmount('1.5', USDC)).toMatchObject({ ok: true, baseUnits: 1_500_000n, amount: { token: USDC, baseUnits: 1_500_000n } });
    expect(parseAmount(' 1,000 ', USDC)).toMatchObject({ ok: true, baseUnits: 1_000_000_000n });
    expect(parseAmount('.25', USDC)).toMatchObject({ ok: true, baseUnits: 250_000n });
    expect(parseAmount('0.1', NINE)).toMatchObject({ ok: true, baseUnits: 100_000_000n });
    expect(parseAmount('0.1', TWO)).toMatchObject({ ok: true, baseUnits: 10n });
    expect(parseAmount('7', WHOLE)).toMatchObject({ ok: true, baseUnits: 7n });
  });

  it('refuses what would lose money, each time saying what to type', () => {
    expect(parseAmount('1.0000001', USDC)).toEqual({ ok: false, error: 'Use at most 6 digits after the decimal point.' });
    expect(parseAmount('0.001', TWO)).toEqual({ ok: false, error: 'Use at most 2 digits after the decimal point.' });
    expect(parseAmount('1.5', WHOLE)).toEqual({ ok: false, error: 'PTS has no fraction: enter a whole number.' });
    expect(parseAmount('-1', USDC)).toEqual({ ok: false, error: 'Enter an amount of zero or more; it cannot be negative.' });
    for (const bad of ['', '.', '1e6', 'abc', '1.2.3', '0x10']) expect(parseAmount(bad, USDC), bad).toEqual({ ok: false, error: 'Enter an amount such as 1.5.' });
    expect(parseAmount('18446744073709.551616', USDC)).toEqual({ ok: false, error: 'That amount is too large.' });
  });

  it('round-trips with formatAmount for every decimals count', () => {
    for (const token of [USDC, TWO, NINE, WHOLE, SOL]) {
      for (const baseUnits of [0n, 1n, 10n, 999n, 1_000_001n, 123_456_789_012n, U64_MAX]) {
        const text = formatAmount(tokenAmount(token, baseUnits));
        expect(parseAmount(text, token), `${token.symbol} ${text}`).toMatchObject({ ok: true, baseUnits });
        expect(parseAmount(formatAmount(tokenAmount(token, baseUnits), { grouping: false, minFractionDigits: 2 }), token)).toMatchObject({ ok: true, baseUnits });
      }
    }
  });
});

describe('base units on the wire', () => {
  it('accepts only u64 decimal strings', () => {
    expect(isBaseUnits('0')).toBe(true);
    expect(isBaseUnits(U64_MAX.toString())).toBe(true);
    expect(isBaseUnits((U64_MAX + 1n).toString())).toBe(false);
    for (const bad of ['01', '-1', '1.0', ' 1', '1e3', '']) expect(isBaseUnits(bad), bad).toBe(false);
  });
});
