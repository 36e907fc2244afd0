/**
 * Token amounts are integers in base units (USDC: 6 decimals, SOL: 9) as bigint in code
 * and decimal strings on the wire. These turn them into text for people and back,
 * exactly: never through a float.
 */
export const U64_MAX = 2n ** 64n - 1n;
export const LAMPORTS_PER_SOL_DECIMALS = 9;

const BASE_UNITS = /^(0|[1-9]\d{0,19})$/;

/** True for a decimal string of base units that fits a u64 (what the wire carries). */
export function isBaseUnits(text: string): boolean {
  return BASE_UNITS.test(text) && BigInt(text) <= U64_MAX;
}

/** "1500000" with 6 decimals → "1.5"; trailing zeros dropped, at least one digit before the point. */
export function formatTokenAmount(baseUnits: bigint, decimals: number, options: { minFractionDigits?: number } = {}): string {
  const negative = baseUnits < 0n;
  const abs = negative ? -baseUnits : baseUnits;
  const scale = 10n ** BigInt(decimals);
  const whole = abs / scale;
  let fraction = decimals > 0 ? (abs % scale).toString().padStart(decimals, '0').replace(/0+$/, '') : '';
  const minDigits = Math.min(options.minFractionDigits ?? 0, decimals);
  if (fraction.length < minDigits) fraction = fraction.padEnd(minDigits, '0');
  const wholeText = groupThousands(whole.toString());
  return `${negative ? '-' : ''}${wholeText}${fraction ? `.${fraction}` : ''}`;
}

function groupThousands(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

export type ParseAmountResult = { ok: true; baseUnits: bigint } | { ok: false; error: string };

/**
 * "1.5" with 6 decimals → 1500000n. Refuses more decimals than the token has (rather
 * than rounding someone's money), negatives, exponents and values over a u64.
 */
export function parseTokenAmount(text: string, decimals: number): ParseAmountResult {
  const trimmed = text.trim().replace(/,/g, '');
  const match = /^(\d*)(?:\.(\d*))?$/.exec(trimmed);
  if (!trimmed || !match || (match[1] === '' && (match[2] ?? '') === '')) {
    return { ok: false, error: 'Enter an amount such as 1.5.' };
  }
  const whole = match[1] || '0';
  const fraction = match[2] ?? '';
  if (fraction.length > decimals) {
    return { ok: false, error: `Use at most ${decimals} digits after the decimal point.` };
  }
  const baseUnits = BigInt(whole) * 10n ** BigInt(decimals) + BigInt(fraction.padEnd(decimals, '0') || '0');
  if (baseUnits > U64_MAX) return { ok: false, error: 'That amount is too large.' };
  return { ok: true, baseUnits };
}
