import { describe, expect, it } from 'vitest';
import { U64_MAX, formatTokenAmount, isBaseUnits, parseTokenAmount } from './token-amount';

describe('token amounts', () => {
  it('formats base units exactly, without floats', () => {
    expect(formatTokenAmount(1_500_000n, 6)).toBe('1.5');
    expect(formatTokenAmount(1n, 6)).toBe('0.000001');
    expect(formatTokenAmount(1_234_567_000_000n, 6)).toBe('1,234,567');
    expect(formatTokenAmount(2n, 6, { minFractionDigits: 2 })).toBe('0.000002');
    expect(formatTokenAmount(5_000_000n, 6, { minFractionDigits: 2 })).toBe('5.00');
    expect(formatTokenAmount(-250_000_000n, 6)).toBe('-250');
    expect(formatTokenAmount(U64_MAX, 9)).toBe('18,446,744,073.709551615');
  });

  it('parses what people type into base units, refusing what would lose money', () => {
    expect(parseTokenAmount('1.5', 6)).toEqual({ ok: true, baseUnits: 1_500_000n });
    expect(parseTokenAmount(' 1,000 ', 6)).toEqual({ ok: true, baseUnits: 1_000_000_000n });
    expect(parseTokenAmount('.25', 6)).toEqual({ ok: true, baseUnits: 250_000n });
    expect(parseTokenAmount('0.1', 9)).toEqual({ ok: true, baseUnits: 100_000_000n });
    expect(parseTokenAmount('1.0000001', 6)).toMatchObject({ ok: false, error: expect.stringMatching(/at most 6 digits/) });
    for (const bad of ['', '.', '-1', '1e6', 'abc', '1.2.3']) expect(parseTokenAmount(bad, 6).ok, bad).toBe(false);
    expect(parseTokenAmount('18446744073709.551616', 6)).toMatchObject({ ok: false, error: 'That amount is too large.' });
  });

  it('accepts only u64 decimal strings on the wire', () => {
    expect(isBaseUnits('0')).toBe(true);
    expect(isBaseUnits(U64_MAX.toString())).toBe(true);
    expect(isBaseUnits((U64_MAX + 1n).toString())).toBe(false);
    for (const bad of ['01', '-1', '1.0', ' 1', '1e3', '']) expect(isBaseUnits(bad), bad).toBe(false);
  });
});
