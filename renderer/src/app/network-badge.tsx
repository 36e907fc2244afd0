import './network-badge.css';
import type { NetworkKind } from '../../../common/wallet/network';
import { useStoreState } from './store-hooks';

const TOOLTIPS: Record<NetworkKind, string> = {
  sandbox: 'Sandbox network: everything runs on this machine; no real money',
  grid: 'A private grid: its hub (Settings → Wallet and network) names the chain payments use',
  devnet: 'Solana devnet: a public test network; its tokens have no value',
  mainnet: 'Solana mainnet: real money',
  custom: 'A custom Solana network (Settings → Wallet and network)',
};

/**
 * The network this app pays on, from the wallet's network state. It is on screen wherever
 * money is shown because product.md asks that no one mistakes test money for real money.
 */
export function NetworkBadge() {
  const network = useStoreState('wallet', (s) => s.network);
  const kind = network?.kind ?? 'sandbox';
  const label = network?.label ?? 'Sandbox';
  const tooltip = network?.status === 'error' ? `${TOOLTIPS[kind]} — not reachable: ${network.error ?? ''}` : TOOLTIPS[kind];
  return (
    <span className="network-badge" data-network={kind} title={tooltip} aria-label={tooltip} data-testid="network-badge" tabIndex={0}>
      <span className="network-badge-dot" aria-hidden="true" />
      {label}
    </span>
  );
}
