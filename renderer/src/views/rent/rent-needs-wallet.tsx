import { hashFor } from '../../app/sections';
import { EmptyState } from '../../components/empty-state';
import { usePaymentToken } from '../../wallet/use-payment-token';

/** Leases and receipts belong to a wallet: with none yet, say where to get one. */
export function RentNeedsWallet({ what }: { what: 'leases' | 'payments' }) {
  const token = usePaymentToken();
  return (
    <EmptyState
      icon="wallet"
      title="Set up a wallet to rent"
      testId="rent-needs-wallet"
      description={`You rent and pay with your own Solana wallet, kept on this machine; your ${what} will appear here. On the sandbox network the faucet funds it with test ${token.symbol}.`}
    >
      <a className="button button-primary" href={hashFor('wallet')} data-testid="rent-go-wallet">
        Go to Wallet
      </a>
    </EmptyState>
  );
}
