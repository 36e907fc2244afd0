import './connect-panel.css';
import { useEffect, useState } from 'react';
import { useWallet } from '@solana/wallet-adapter-react';
import { WalletReadyState } from '@solana/wallet-adapter-base';
import type { WalletName } from '@solana/wallet-adapter-base';
import { useStores } from '../../app/store-hooks';
import { LOCAL_WALLET_NAME } from '../../wallet/local-wallet';

/**
 * The wallet-adapter list: this machine's Idlegrid wallet first, then any browser
 * extension wallets (headless mode opened in a browser). Choosing Idlegrid opens the
 * setup dialog first when there is no usable wallet yet.
 */
export function ConnectPanel() {
  const { wallet: walletStore } = useStores();
  const { wallets, wallet, select, connect, connected, connecting } = useWallet();
  const [pending, setPending] = useState<WalletName | null>(null);
  const [error, setError] = useState<string | null>(null);

  const usable = wallets
    .filter((w) => w.readyState === WalletReadyState.Installed || w.readyState === WalletReadyState.Loadable)
    .sort((a, b) => Number(b.adapter.name === LOCAL_WALLET_NAME) - Number(a.adapter.name === LOCAL_WALLET_NAME));

  // Connect once the chosen wallet is the selected one (select() takes effect on the next render).
  useEffect(() => {
    if (!pending || wallet?.adapter.name !== pending || connected || connecting) return;
    setPending(null);
    connect().catch((e: unknown) => setError(e instanceof Error && e.message ? e.message : 'The wallet did not connect.'));
  }, [pending, wallet, connected, connecting, connect]);

  const choose = async (name: WalletName) => {
    setError(null);
    if (name === LOCAL_WALLET_NAME) {
      try {
        await walletStore.getState().requireReadyWallet();
      } catch {
        return; // setup closed: stay here
      }
    }
    select(name);
    setPending(name);
  };

  return (
    <section className="card connect-panel" data-testid="wallet-connect">
      <h2 className="card-title">Connect a wallet</h2>
      <p className="muted">
        Your Idlegrid wallet lives on this machine: the key is encrypted here and every signature asks you first. In a browser, wallets from
        extensions appear here too.
      </p>
      <ul className="plain-list connect-list">
        {usable.map((w) => (
          <li key={w.adapter.name}>
            <button
              type="button"
              className="connect-option"
              onClick={() => void choose(w.adapter.name)}
              disabled={connecting}
              data-testid={`connect-${w.adapter.name.toLowerCase().replace(/\s+/g, '-')}`}
            >
              <img src={w.adapter.icon} alt="" width={28} height={28} />
              <span className="connect-option-name">{w.adapter.name === LOCAL_WALLET_NAME ? 'Idlegrid — this machine' : w.adapter.name}</span>
              <span className="connect-option-hint">{w.adapter.name === LOCAL_WALLET_NAME ? 'Create, import or unlock' : 'Browser extension'}</span>
            </button>
          </li>
        ))}
      </ul>
      {usable.length === 0 ? <p className="muted">Looking for wallets…</p> : null}
      {error ? (
        <p className="field-error" role="alert">
          {error}
        </p>
      ) : null}
    </section>
  );
}
