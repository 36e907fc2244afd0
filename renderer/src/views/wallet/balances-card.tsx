import './balances-card.css';
import { Money } from '../../components/money';
import { useState } from 'react';
import { useStores, useStoreState } from '../../app/store-hooks';
import { NetworkBadge } from '../../app/network-badge';
import { formatSol } from '../../format/wallet-format';
import { formatClockTime } from '../../format/time-format';
import type { WalletBalances } from '../../../../common/wallet/wallet-types';
import { usePaymentToken } from '../../wallet/use-payment-token';

/** SOL and the payment token on the current network, always with the network's badge; the faucet on the sandbox. */
export function BalancesCard({ balances, canUseFaucet }: { balances: WalletBalances | null; canUseFaucet: boolean }) {
  const { wallet } = useStores();
  const faucetBusy = useStoreState('wallet', (s) => s.busy === 'faucet');
  const faucet = useStoreState('wallet', (s) => s.network?.faucet ?? false);
  const [topped, setTopped] = useState(false);
  const network = usePaymentToken();
  const token = balances ? { symbol: balances.token, decimals: balances.decimals } : network;

  const askFaucet = async () => {
    setTopped(false);
    setTopped(await wallet.getState().faucet());
  };

  return (
    <section className="card balances-card" data-testid="wallet-balances">
      <header className="balances-head">
        <h2 className="card-title">Balances</h2>
        <NetworkBadge />
      </header>
      <dl className="balances">
        <div className="balance">
          <dt>{token.symbol}</dt>
          <dd data-testid="balance-usdc">{balances ? <Money baseUnits={balances.tokenAmount} token={token} /> : '…'}</dd>
        </div>
        <div className="balance">
          <dt>SOL (network fees)</dt>
          <dd data-testid="balance-sol">{balances ? formatSol(balances.lamports) : '…'}</dd>
        </div>
      </dl>
      <footer className="balances-foot">
        <span className="small muted">{balances ? `Updated ${formatClockTime(balances.updatedAtMs)}` : 'Loading…'}</span>
        <button type="button" className="button button-small button-ghost" onClick={() => void wallet.getState().loadBalances()}>
          Refresh
        </button>
        {faucet && canUseFaucet ? (
          <button type="button" className="button button-small" onClick={() => void askFaucet()} disabled={faucetBusy} data-testid="faucet-button">
            {faucetBusy ? 'Asking the faucet…' : `Get test SOL and ${token.symbol}`}
          </button>
        ) : null}
      </footer>
      {topped ? (
        <p className="small muted" role="status" data-testid="faucet-done">
          The sandbox faucet sent 2 test SOL and 1,000 test {token.symbol}. Test money only: it exists on this sandbox network alone.
        </p>
      ) : null}
    </section>
  );
}
