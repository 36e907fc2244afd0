import { defineToken } from './token';
import type { Token, TokenNetwork } from './token';

/**
 * The tokens payments can be made in. Adding a stablecoin is one `defineToken` entry here
 * (symbol, decimals, its mint on each public cluster); the sandbox chain, a grid's hub or
 * the custom setting name its mint on the other networks.
 */
export class TokenRegistry {
  private readonly bySymbol = new Map<string, Token>();

  constructor(tokens: Iterable<Token> = []) {
    for (const token of tokens) this.register(token);
  }

  register(token: Token): this {
    if (this.bySymbol.has(token.symbol)) throw new Error(`Token ${token.symbol} is registered already.`);
    this.bySymbol.set(token.symbol, token);
    return this;
  }

  /** The token with this symbol; throws naming the known ones when there is none. */
  get(symbol: string): Token {
    const token = this.bySymbol.get(symbol);
    if (!token) throw new Error(`Unknown token "${symbol.slice(0, 40)}": this app pays in ${this.symbols().join(', ') || 'no token'}.`);
    return token;
  }

  find(symbol: string): Token | undefined {
    return this.bySymbol.get(symbol);
  }

  symbols(): string[] {
    return [...this.bySymbol.keys()];
  }

  /** The registered token whose mint on `network` is `mint`, if any. */
  byMint(network: TokenNetwork, mint: string): Token | undefined {
    for (const token of this.bySymbol.values()) if (token.mint(network) === mint) return token;
    return undefined;
  }
}

/** Circle's USDC: 6 decimals on every cluster. */
export const USDC = defineToken({
  symbol: 'USDC',
  name: 'USD Coin',
  decimals: 6,
  fixedMints: {
    devnet: '4zMMC9srt5Ri5X14GAgXhaHii3GnPAEERYPJgZJDncDU',
    mainnet: 'EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v',
  },
});

export const TOKENS = new TokenRegistry([USDC]);

/** The token leases are priced and paid in unless a hub or network names another. */
export const PAYMENT_TOKEN: Token = USDC;
