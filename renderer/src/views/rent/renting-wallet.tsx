import './renting-wallet.css';
import { hashFor } from '../../app/sections';
import { useStores, useStoreState } from '../../app/store-hooks';
import { shortAddress } from '../../format/wallet-format';
import { SANDBOX_RENTER_LABEL } from '../../stores/wallet-store';

/**
 * Which wallet Rent quotes and pays with: the app's active wallet (main signs with it,
 * whatever a browser extension says). On Sandbox, where every offer is this machine's own
 * and a wallet is never placed on its own offers, one click makes a second wallet to rent
 * with, so a newcomer can try the renter's side without a second machine.
 */
export function RentingWallet() {
  const { wallet: walletStore } = useStores();
  const state = useStoreState('wallet', (s) => s.wallet);
  const network = useStoreState('wallet', (s) => s.network);
  const busy = useStoreState('wallet', (s) => s.busy);
  const error = useStoreState('wallet', (s) => s.error);
  const active = state?.wallets.find((w) => w.address === state.activeAddress) ?? null;
  if (!state || !active) return null;
  const sandbox = network?.kind === 'sandbox';
  const renting = active.label === SANDBOX_RENTER_LABEL;
  return (
    <section className="card renting-wallet" aria-label="Renting wallet" data-testid="rent-wallet">
      <p className="renting-wallet-line">
        Quotes and payments use <strong data-testid="rent-wallet-label">{active.label || 'this wallet'}</strong>{' '}
        <code title={active.address} data-testid="rent-wallet-address">
          {shortAddress(active.address)}
        </code>
        , this app&rsquo;s active wallet. <a href={hashFor('wallet')}>Switch on Wallet</a>
      </p>
      {sandbox && !renting ? (
        <div className="renting-wallet-try" data-testid="rent-try-sandbox">
          <p className="muted small">
            On Sandbox every offer is this machine&rsquo;s own, and a wallet is never placed on its own offers (it cannot pay itself). To try the renter&rsquo;s
            side, rent from a second wallet: the app makes one on this machine, fills it with test money from the faucet and makes it the active one. Offers
            you share keep paying the wallet they were set up with; switch back on Wallet at any time.
          </p>
          <button type="button" className="button button-primary button-small" disabled={busy !== null} onClick={() => void walletStore.getState().useSandboxRenter()} data-testid="rent-use-sandbox-renter">
            {busy === 'create' || busy === 'select' || busy === 'faucet' ? 'Setting up the renter wallet…' : 'Try renting: use a separate sandbox renter wallet'}
          </button>
          {error ? (
            <p className="field-error" role="alert">
              {error}
            </p>
          ) : null}
        </div>
      ) : null}
      {sandbox && renting ? (
        <p className="muted small" data-testid="rent-sandbox-renter-note">
          This is the Sandbox&rsquo;s separate renter wallet, so this machine&rsquo;s own offers can be rented for a try.
        </p>
      ) : null}
    </section>
  );
}
