import type { NetworkKind } from '../wallet/network';

/**
 * A token as money is counted in it: its symbol and how many decimals its base unit has.
 * Every amount carries one (`TokenAmount`), so no code assumes "6 decimals" or "USDC".
 */
export interface TokenUnit {
  readonly symbol: string;
  readonly decimals: number;
}

/**
 * What a network knows about its payment mint, handed to `Token.mint`. The public
 * clusters have fixed mints; the sandbox chain makes its mint on first start, a private
 * grid's hub names its mint in /v1/info and a custom network takes the mint from Settings,
 * so those are only known at run time.
 */
export interface TokenNetwork {
  kind: NetworkKind;
  /** The mints the network itself names (sandbox chain, grid hub, custom setting), by token symbol. */
  namedMints?: Readonly<Partial<Record<string, string>>>;
}

/** A token payments can be made in: one registry entry (token-registry.ts). */
export interface Token extends TokenUnit {
  /** Plain words for people ("USD Coin"). */
  readonly name: string;
  /** The token's mint on a network, or null while the network has not named it yet. */
  mint(network: TokenNetwork): string | null;
}

/** The clusters where a stablecoin's mint has one fixed address. */
export type FixedMintCluster = 'devnet' | 'mainnet';

export interface TokenDefinition {
  symbol: string;
  name: string;
  decimals: number;
  /** The token's mint on the public clusters that have one. */
  fixedMints: Partial<Record<FixedMintCluster, string>>;
}

const SYMBOL = /^[A-Z][A-Z0-9]{1,9}$/;
/** SPL mints keep decimals in a u8; past 18 no stablecoin goes and bigint text gets silly. */
const MAX_DECIMALS = 18;

export function defineToken(definition: TokenDefinition): Token {
  const { symbol, name, decimals, fixedMints } = definition;
  if (!SYMBOL.test(symbol)) throw new Error(`Token symbol "${symbol}" is not valid: use 2–10 capital letters or digits, starting with a letter.`);
  if (!Number.isInteger(decimals) || decimals < 0 || decimals > MAX_DECIMALS) {
    throw new Error(`Token ${symbol} must have a whole number of decimals from 0 to ${MAX_DECIMALS}, got ${decimals}.`);
  }
  const fixed = { ...fixedMints };
  return Object.freeze({
    symbol,
    name,
    decimals,
    mint(network: TokenNetwork): string | null {
      if (network.kind === 'devnet' || network.kind === 'mainnet') return fixed[network.kind] ?? null;
      return network.namedMints?.[symbol] || null;
    },
  });
}

/** Solana's native coin: fees and rent are paid in it, never lease payments. */
export const SOL: TokenUnit = Object.freeze({ symbol: 'SOL', decimals: 9 });
