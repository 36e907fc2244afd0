/**
 * The Solana networks Idlegrid can pay on. The sandbox is the default on first run: an
 * embedded chain on this machine with test SOL and test USDC, so a newcomer can lend,
 * rent and pay offline. Everything that shows money also shows which network it is on.
 */
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

/** USDC has 6 decimals on every cluster; a custom mint's decimals are read from the chain. */
export const USDC_DECIMALS = 6;

/** Public endpoints and Circle's USDC mints for the clusters with a fixed address. */
export const NETWORK_PRESETS: Record<'devnet' | 'mainnet', { rpcUrl: string; usdcMint: string }> = {
  devnet: {
    rpcUrl: 'https://api.devnet.solana.com',
    usdcMint: '4zMMC9srt5Ri5X14GAgXhaHii3GnPAEERYPJgZJDncDU',
  },
  mainnet: {
    rpcUrl: 'https://api.mainnet-beta.solana.com',
    usdcMint: 'EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v',
  },
};

export type NetworkStatus = 'starting' | 'ready' | 'error';

/** What the UI shows in the network badge and the Settings section. */
export interface NetworkInfo {
  kind: NetworkKind;
  label: string;
  /** Empty while the sandbox chain is starting (its port is picked at start). */
  rpcUrl: string;
  /** Empty until known (the sandbox makes its mint on first start). */
  usdcMint: string;
  usdcDecimals: number;
  status: NetworkStatus;
  /** What went wrong and what to do, when status is 'error'. */
  error: string | null;
  /** True where the faucet works (the sandbox; devnet's SOL airdrop is rate-limited and not offered). */
  faucet: boolean;
}

export function networkLabel(kind: NetworkKind): string {
  return NETWORK_LABELS[kind];
}
