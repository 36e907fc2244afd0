import './wallet-view.css';
import { useEffect, useState } from 'react';
import { useWallet } from '@solana/wallet-adapter-react';
import { useStores, useStoreState } from '../../app/store-hooks';
import { ErrorNotice } from '../../components/error-notice';
import { LoadingState } from '../../components/loading-state';
import { PageHeader } from '../../components/page-header';
import type { WalletBalances } from '../../../../common/wallet/wallet-types';
import { LOCAL_WALLET_NAME } from '../../wallet/local-wallet';
import { WalletSetupForm } from '../../wallet/wallet-setup-form';
import { AddressCard } from './address-card';
import { BalancesCard } from './balances-card';
import { ConnectPanel } from './connect-panel';
import { SendCard } from './send-card';
import { TransactionsCard } from './transactions-card';
import { WalletsCard } from './wallets-card';
import { usePaymentToken } from '../../wallet/use-payment-token';

export function WalletView() {
  const { wallet: walletStore } = useStores();
  const state = useStoreState('wallet', (s) => s.wallet);
  const network = useStoreState('wallet', (s) => s.network);
  const loading = useStoreState('wallet', (s) => s.loading);
  const error = useStoreState('wallet', (s) => s.error);
  const setupOpen = useStoreState('wallet', (s) => s.setupRequested);
  const { connected, wallet: adapterWallet, publicKey, disconnect } = useWallet();
  const local = connected && adapterWallet?.adapter.name === LOCAL_WALLET_NAME;

  return (
    <div className="view" data-testid="view-wallet">
      <PageHeader
        title="Wallet"
        subtitle="Your Solana wallet: it signs you in, signs offers and pays. The key stays on this machine."
        actions={
          <>
            {/* The network is in the top bar and on the balances: a third badge here only repeated it. */}
            {connected ? (
              <button type="button" className="button button-small button-ghost" onClick={() => void disconnect()} data-testid="wallet-disconnect">
                Disconnect
              </button>
            ) : null}
          </>
        }
      />
      {error && !setupOpen ? <ErrorNotice message={error} onDismiss={() => walletStore.getState().dismissError()} /> : null}
      {network && network.status !== 'ready' ? (
        network.status === 'starting' ? (
          <LoadingState message={`Starting the ${network.label} network…`} />
        ) : (
          <ErrorNotice title={`The ${network.label} network is not available`} message={network.error ?? 'Unknown error.'} />
        )
      ) : null}
      {loading && !state ? <LoadingState message="Loading your wallet…" /> : null}
      {state && !connected ? <ConnectPanel /> : null}
      {state && local ? <LocalWalletPanels /> : null}
      {connected && !local && publicKey ? <ExtensionWalletPanels address={publicKey.toBase58()} name={adapterWallet?.adapter.name ?? 'Wallet'} /> : null}
    </div>
  );
}

function LocalWalletPanels() {
  const state = useStoreState('wallet', (s) => s.wallet);
  const balances = useStoreState('wallet', (s) => s.balances);
  const transactions = useStoreState('wallet', (s) => s.transactions);
  const token = usePaymentToken();
  if (!state) return null;
  const active = state.wallets.find((w) => w.address === state.activeAddress) ?? null;
  return (
    <>
      {state.locked ? (
        <section className="card">
          <h2 className="card-title">Locked</h2>
          <WalletSetupForm />
        </section>
      ) : null}
      {active ? (
        <div className="wallet-grid">
          <AddressCard address={active.address} label={active.label} />
          <BalancesCard balances={balances} canUseFaucet />
        </div>
      ) : null}
      {active && !state.locked ? <SendCard /> : null}
      {active ? <TransactionsCard transactions={transactions} token={token} /> : null}
      <WalletsCard />
    </>
  );
}

/** An extension wallet (headless UI in a browser): its address and balances; it signs in its own window. */
function ExtensionWalletPanels({ address, name }: { address: string; name: string }) {
  const { wallet: walletStore } = useStores();
  const network = useStoreState('wallet', (s) => s.network);
  const [balances, setBalances] = useState<WalletBalances | null>(null);
  useEffect(() => {
    let live = true;
    if (network?.status === 'ready') void walletStore.getState().balancesOf(address).then((b) => live && setBalances(b));
    return () => {
      live = false;
    };
  }, [address, network, walletStore]);
  return (
    <div className="wallet-grid">
      <AddressCard address={address} label={name} note={`Connected through ${name}. Transactions from it are signed in ${name}'s own window.`} />
      <BalancesCard balances={balances} canUseFaucet={false} />
    </div>
  );
}
