/**
 * The Solana networks Idlegrid can pay on. The sandbox is the default on first run: an
 * embedded chain on this machine with test SOL and test USDC, so a newcomer can lend,
 * rent and pay offline. Everything that shows money also shows which network it is on.
 */
import { PAYMENT_TOKEN } from '../money/token-registry';
import type { TokenNetwork } from '../money/token';

/**
 * 'grid' is a private grid: a hub at a URL the user gives, which names the chain (its
 * sandbox chain, or devnet/mainnet) in its /v1/info; the wallet follows that chain.
 */
export const NETWORK_KINDS = ['sandbox', 'grid', 'devnet', 'mainnet', 'custom'] as const;
export type NetworkKind = (typeof NETWORK_KINDS)[number];

export const NETWORK_LABELS: Record<NetworkKind, string> = {
  sandbox: 'Sandbox',
  grid: 'Private grid',
  devnet: 'Devnet',
  mainnet: 'Mainnet',
  custom: 'Custom',
};

/** Public endpoints of the clusters whose token mints are fixed (the mints: common/money/token-registry.ts). */
export const NETWORK_PRESETS: Record<'devnet' | 'mainnet', { rpcUrl: string }> = {
  devnet: { rpcUrl: 'https://api.devnet.solana.com' },
  mainnet: { rpcUrl: 'https://api.mainnet-beta.solana.com' },
};

export type NetworkStatus = 'starting' | 'ready' | 'error';

/** What the UI shows in the network badge and the Settings section. */
export interface NetworkInfo {
  kind: NetworkKind;
  label: string;
  /** Empty while the sandbox chain is starting (its port is picked at start). */
  rpcUrl: string;
  /** The symbol of the token payments are made in on this network (common/money's registry). */
  token: string;
  /** That token's mint; empty until known (the sandbox makes its mint on first start). */
  mint: string;
  /** The mint's decimals (a custom network's are read from the chain). */
  decimals: number;
  status: NetworkStatus;
  /** What went wrong and what to do, when status is 'error'. */
  error: string | null;
  /** True where the faucet works (the sandbox; devnet's SOL airdrop is rate-limited and not offered). */
  faucet: boolean;
}

export function networkLabel(kind: NetworkKind): string {
  return NETWORK_LABELS[kind];
}

/** What a network knows about its payment token's mint, for `Token.mint`. */
export function tokenNetworkOf(info: Pick<NetworkInfo, 'kind' | 'token' | 'mint'>): TokenNetwork {
  return { kind: info.kind, namedMints: info.mint ? { [info.token]: info.mint } : {} };
}

/** The payment token and its mint on a network before the chain says more (decimals: the registry's). */
export function paymentTokenOn(kind: NetworkKind): Pick<NetworkInfo, 'token' | 'mint' | 'decimals'> {
  return { token: PAYMENT_TOKEN.symbol, mint: PAYMENT_TOKEN.mint({ kind }) ?? '', decimals: PAYMENT_TOKEN.decimals };
}
