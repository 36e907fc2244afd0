import './welcome-dialog.css';
import { useEffect, useRef, useState } from 'react';
import { useWallet } from '@solana/wallet-adapter-react';
import type { WalletName } from '@solana/wallet-adapter-base';
import { useStores, useStoreState } from '../../app/store-hooks';
import { hashFor } from '../../app/sections';
import type { SectionId } from '../../app/sections';
import { ErrorNotice } from '../../components/error-notice';
import { Spinner } from '../../components/spinner';
import { formatMoney, formatSol } from '../../format/wallet-format';
import { readyAddress } from '../../stores/wallet-store';
import { Modal } from '../../wallet/modal';
import { WalletSetupForm } from '../../wallet/wallet-setup-form';
import { LOCAL_WALLET_NAME } from '../../wallet/local-wallet';
import { usePaymentToken } from '../../wallet/use-payment-token';

type Step = 'intro' | 'wallet' | 'funding' | 'done';

/**
 * First run on the sandbox: say what the sandbox is, then (only after the click) make or
 * unlock a wallet and fill it from the faucet, and point to Lend, Rent or a look around.
 * Every way out sets `welcomeDone`, so it shows once.
 */
export function WelcomeDialog() {
  const settings = useStoreState('settings', (s) => s.settings);
  const network = useStoreState('wallet', (s) => s.network);
  const [open, setOpen] = useState(false);

  const wanted = Boolean(settings && network && !settings.welcomeDone && network.kind === 'sandbox');
  // Decided once both are known; later changes (welcomeDone saved at the end) do not close it mid-step.
  useEffect(() => {
    if (wanted) setOpen(true);
  }, [wanted]);

  if (open) return <WelcomeSteps onClosed={() => setOpen(false)} />;
  // Once settings and network are known and no welcome is due, say so for automation (the
  // e2e launch helper waits for this or the dialog, however slowly the app starts).
  return settings && network && !wanted ? <span hidden data-testid="welcome-not-due" /> : null;
}

function WelcomeSteps({ onClosed }: { onClosed: () => void }) {
  const { wallet, settings } = useStores();
  const walletState = useStoreState('wallet', (s) => s.wallet);
  const balances = useStoreState('wallet', (s) => s.balances);
  const token = usePaymentToken();
  const walletError = useStoreState('wallet', (s) => s.error);
  const [step, setStep] = useState<Step>('intro');
  const [faucetFailed, setFaucetFailed] = useState(false);
  const funding = useRef(false);
  const ready = readyAddress(walletState);

  const fund = async () => {
    if (funding.current) return;
    funding.current = true;
    setFaucetFailed(false);
    const ok = await wallet.getState().faucet();
    funding.current = false;
    if (ok) setStep('done');
    else setFaucetFailed(true);
  };

  // The wallet made here is also the one the app is connected to (Wallet, Rent), as if
  // the owner had picked "Idlegrid — this machine" in Wallet.
  const adapter = useWallet();
  useEffect(() => {
    if (step !== 'done' || adapter.connected || adapter.connecting) return;
    if (adapter.wallet?.adapter.name !== LOCAL_WALLET_NAME) adapter.select(LOCAL_WALLET_NAME as WalletName);
    else adapter.connect().catch(() => undefined); // Wallet's connect panel stays as the fallback
  }, [step, adapter]);

  // The owner consented with "Set up"; once the wallet is usable, the faucet follows.
  useEffect(() => {
    if (step === 'wallet' && ready) setStep('funding');
  }, [step, ready]);
  useEffect(() => {
    if (step === 'funding') void fund();
    // Only on entering the step; a retry is a click.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [step]);

  const finish = (section: SectionId | null) => {
    void settings.getState().update({ welcomeDone: true });
    onClosed();
    if (section) window.location.hash = hashFor(section);
  };

  const start = () => {
    wallet.getState().dismissError();
    setStep(ready ? 'funding' : 'wallet');
  };

  return (
    <Modal title={step === 'done' ? 'You are set up' : 'Welcome to Idlegrid'} onClose={step === 'funding' ? undefined : () => finish(null)} testId="welcome-dialog">
      <div className="welcome" data-step={step} data-testid="welcome-step" data-value={step}>
        {step === 'intro' ? (
          <>
            <p className="welcome-lead">Lend your idle GPUs for {token.symbol}, or rent a GPU cluster, from this app.</p>
            <div className="welcome-sandbox">
              <span className="tag welcome-tag">Sandbox</span>
              <p>
                You are on the <strong>sandbox network</strong>: a market hub and a Solana chain running on this machine, with a faucet for
                test SOL and test {token.symbol}. Everything works offline, and nothing here has real value. Switch to a private grid or a real
                network in Settings whenever you like.
              </p>
            </div>
            <p className="muted">
              To try it, Idlegrid makes a wallet on this machine (or unlocks yours) and fills it with test money from the sandbox faucet.
            </p>
          </>
        ) : null}

        {step === 'wallet' ? (
          <>
            <p className="muted">First, a wallet. Its keys stay on this machine, encrypted.</p>
            {walletError ? <ErrorNotice message={walletError} onDismiss={() => wallet.getState().dismissError()} /> : null}
            <WalletSetupForm onDone={() => void wallet.getState().load()} />
          </>
        ) : null}

        {step === 'funding' ? (
          faucetFailed ? (
            <ErrorNotice title="The faucet did not pay" message={walletError ?? 'The sandbox faucet did not answer.'} onRetry={() => void fund()} />
          ) : (
            <p className="welcome-progress" role="status">
              <Spinner /> Getting test SOL and test {token.symbol} from the sandbox faucet…
            </p>
          )
        ) : null}

        {step === 'done' ? (
          <>
            <p className="welcome-lead">
              Your sandbox wallet holds{' '}
              <strong data-testid="welcome-usdc">{balances ? formatMoney(balances.tokenAmount, { symbol: balances.token, decimals: balances.decimals }) : `test ${token.symbol}`}</strong>
              {balances ? <> and {formatSol(balances.lamports)}</> : null}. What next?
            </p>
            <div className="welcome-choices">
              <button type="button" className="welcome-choice" onClick={() => finish('lend')} data-testid="welcome-lend">
                <strong>Lend this machine</strong>
                <span>Set a price and share your GPUs; earn {token.symbol} per GPU-hour.</span>
              </button>
              <button type="button" className="welcome-choice" onClick={() => finish('rent')} data-testid="welcome-rent">
                <strong>Rent GPUs</strong>
                <span>Build a cluster from the market and run a container on it.</span>
              </button>
              <button type="button" className="welcome-choice" onClick={() => finish(null)} data-testid="welcome-look-around">
                <strong>Look around</strong>
                <span>See this machine's GPUs, thermals and the network first.</span>
              </button>
            </div>
          </>
        ) : null}
      </div>

      {step !== 'done' ? (
        <footer className="welcome-foot">
          <button type="button" className="button button-ghost" onClick={() => finish(null)} disabled={step === 'funding' && !faucetFailed} data-testid="welcome-skip">
            Skip for now
          </button>
          {step === 'intro' ? (
            <button type="button" className="button button-primary" onClick={start} data-testid="welcome-start" data-autofocus>
              Set up wallet and get test money
            </button>
          ) : null}
        </footer>
      ) : null}
    </Modal>
  );
}
