import { formatAmount } from './amount-text';
import type { TokenAmount } from './token-amount';
import type { TokenUnit } from './token';

/**
 * How many decimals people see for a token: a fixed number per token, so one amount reads
 * the same on every screen ("0.65 USDC" in the quote, the lease, Spending and Earnings).
 * Stablecoins show cents; SOL shows enough for fees. The exact amount is always one hover
 * away (`exact`) and in every CSV.
 */
const DISPLAY_DECIMALS: Readonly<Record<string, number>> = { SOL: 4 };
const DEFAULT_DISPLAY_DECIMALS = 2;

export function displayDecimals(token: TokenUnit): number {
  return Math.min(token.decimals, DISPLAY_DECIMALS[token.symbol] ?? DEFAULT_DISPLAY_DECIMALS);
}

export interface DisplayAmount {
  /** Rounded to the token's display decimals (half away from zero): "0.22 USDC", "< 0.01 USDC". */
  text: string;
  /** Every digit: "0.216667 USDC" (for a tooltip). */
  exact: string;
  /** True when `text` is not the exact amount. */
  rounded: boolean;
}

/**
 * An amount for people. Rounds to the nearest display unit rather than cutting, so a cost
 * of 0.216667 reads 0.22, not 0.21; a non-zero amount too small to show reads "< 0.01"
 * rather than a misleading "0.00".
 */
export function displayAmount(amount: TokenAmount, options: { signed?: boolean } = {}): DisplayAmount {
  const { token } = amount;
  const sign = options.signed ? 'explicit' : 'typographic';
  const exact = formatAmount(amount, { sign, symbol: true, minFractionDigits: displayDecimals(token) });
  const places = displayDecimals(token);
  const step = 10n ** BigInt(token.decimals - places);
  const negative = amount.baseUnits < 0n;
  const abs = negative ? -amount.baseUnits : amount.baseUnits;
  const roundedAbs = ((abs + step / 2n) / step) * step;
  if (abs > 0n && roundedAbs === 0n) {
    const smallest = formatAmount({ token, baseUnits: step }, { minFractionDigits: places, symbol: true });
    return { text: `${negative ? '> −' : '< '}${smallest}`, exact, rounded: true };
  }
  const text = formatAmount({ token, baseUnits: negative ? -roundedAbs : roundedAbs }, { sign, symbol: true, minFractionDigits: places, maxFractionDigits: places });
  return { text, exact, rounded: roundedAbs !== abs };
}
