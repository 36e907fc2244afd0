import { EmptyState } from '../../components/empty-state';
import { PageHeader } from '../../components/page-header';

export function WalletView() {
  return (
    <div className="view" data-testid="view-wallet">
      <PageHeader title="Wallet" subtitle="Your Solana wallet: it signs you in, signs offers and pays." />
      <EmptyState
        icon="wallet"
        title="No wallet yet"
        tag="Coming in a later version"
        description="Here you will create a wallet or import one (a Solana CLI key file or a base58 secret), see your SOL and USDC balances, send, receive and review recent transactions. The key stays on this machine, encrypted at rest, and never reaches this window; every signature is confirmed by you. On the Sandbox network, a faucet hands out test SOL and test USDC."
      />
    </div>
  );
}
