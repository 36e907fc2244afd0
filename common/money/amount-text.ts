import { U64_MAX } from './token-amount';
import type { TokenAmount } from './token-amount';
import type { TokenUnit } from './token';

/**
 * The one way amounts become text and text becomes amounts, exactly: never through a
 * float. Every place that shows money (the UI, the tray, notices, hub refusals, the
 * sandbox's RPC answers) picks its look with these options.
 */
export interface AmountFormat {
  /** Pad the fraction to at least this many digits: "5.00". */
  minFractionDigits?: number;
  /** Cut the fraction to at most this many digits, rounding toward zero: never show more than there is. */
  maxFractionDigits?: number;
  /** "1,234.5" (default) or "1234.5" for text that is read back or logged. */
  grouping?: boolean;
  /** 'ascii' (default): "-1.5"; 'typographic': "−1.5"; 'explicit': "+1.5" and "−1.5". */
  sign?: 'ascii' | 'typographic' | 'explicit';
  /** Append the token's symbol: "1.5 USDC". */
  symbol?: boolean;
}

/** 1500000 base units of a 6-decimal token → "1.5"; trailing zeros dropped, one digit before the point at least. */
export function formatAmount(amount: TokenAmount, format: AmountFormat = {}): string {
  const { decimals, symbol } = amount.token;
  const negative = amount.baseUnits < 0n;
  const abs = negative ? -amount.baseUnits : amount.baseUnits;
  const scale = 10n ** BigInt(decimals);
  const whole = abs / scale;
  let fraction = decimals > 0 ? (abs % scale).toString().padStart(decimals, '0') : '';
  if (format.maxFractionDigits !== undefined) fraction = fraction.slice(0, Math.max(0, format.maxFractionDigits));
  fraction = fraction.replace(/0+$/, '');
  const minDigits = Math.min(format.minFractionDigits ?? 0, decimals, format.maxFractionDigits ?? decimals);
  if (fraction.length < minDigits) fraction = fraction.padEnd(minDigits, '0');
  const wholeText = format.grouping === false ? whole.toString() : groupThousands(whole.toString());
  const text = `${signOf(amount.baseUnits, format.sign ?? 'ascii')}${wholeText}${fraction ? `.${fraction}` : ''}`;
  return format.symbol ? `${text} ${symbol}` : text;
}

function signOf(value: bigint, style: NonNullable<AmountFormat['sign']>): string {
  if (value < 0n) return style === 'ascii' ? '-' : '−';
  return style === 'explicit' && value > 0n ? '+' : '';
}

function groupThousands(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

export type ParseAmountResult = { ok: true; baseUnits: bigint; amount: TokenAmount } | { ok: false; error: string };

/**
 * "1.5" of a 6-decimal token → 1500000n. Refuses more decimals than the token has (rather
 * than rounding someone's money), negatives, exponents and values over a u64; each
 * refusal says what to type instead. Thousands separators and surrounding spaces are fine.
 */
export function parseAmount(text: string, token: TokenUnit): ParseAmountResult {
  const { decimals } = token;
  const trimmed = text.trim().replace(/,/g, '');
  if (/^[-−]/.test(trimmed)) return { ok: false, error: 'Enter an amount of zero or more; it cannot be negative.' };
  const match = /^(\d*)(?:\.(\d*))?$/.exec(trimmed);
  if (!trimmed || !match || (match[1] === '' && (match[2] ?? '') === '')) {
    return { ok: false, error: 'Enter an amount such as 1.5.' };
  }
  const whole = match[1] || '0';
  const fraction = match[2] ?? '';
  if (fraction.length > decimals) {
    return {
      ok: false,
      error: decimals === 0 ? `${token.symbol} has no fraction: enter a whole number.` : `Use at most ${decimals} digits after the decimal point.`,
    };
  }
  const baseUnits = BigInt(whole) * 10n ** BigInt(decimals) + BigInt(fraction.padEnd(decimals, '0') || '0');
  if (baseUnits > U64_MAX) return { ok: false, error: 'That amount is too large.' };
  return { ok: true, baseUnits, amount: { token, baseUnits } };
}
