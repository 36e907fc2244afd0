import type { TokenUnit } from './token';

/**
 * Token amounts are integers in base units (USDC: 6 decimals, SOL: 9) as bigint in code
 * and decimal strings on the wire, and always travel with their token: an amount without
 * its unit is how "6 decimals" ends up assumed in places that pay in something else.
 */
export interface TokenAmount {
  token: TokenUnit;
  baseUnits: bigint;
}

export const U64_MAX = 2n ** 64n - 1n;

/** `baseUnits` of `token`; decimal strings (as on the wire) are read exactly. */
export function tokenAmount(token: TokenUnit, baseUnits: bigint | string): TokenAmount {
  return { token, baseUnits: typeof baseUnits === 'bigint' ? baseUnits : BigInt(baseUnits) };
}

const BASE_UNITS = /^(0|[1-9]\d{0,19})$/;

/** True for a decimal string of base units that fits a u64 (what the wire carries). */
export function isBaseUnits(text: string): boolean {
  return BASE_UNITS.test(text) && BigInt(text) <= U64_MAX;
}

/** One whole token in base units: 10^decimals (1 USDC = 1,000,000). */
export function oneToken(token: TokenUnit): bigint {
  return 10n ** BigInt(token.decimals);
}
