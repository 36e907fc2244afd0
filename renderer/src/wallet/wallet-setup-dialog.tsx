import { useStores, useStoreState } from '../app/store-hooks';
import { ErrorNotice } from '../components/error-notice';
import { Modal } from './modal';
import { WalletSetupForm } from './wallet-setup-form';

/** Opens when connecting the Idlegrid wallet needs one first (none yet, or locked). */
export function WalletSetupDialog() {
  const { wallet } = useStores();
  const requested = useStoreState('wallet', (s) => s.setupRequested);
  const error = useStoreState('wallet', (s) => s.error);
  const state = useStoreState('wallet', (s) => s.wallet);
  if (!requested) return null;
  // A wallet that exists and is only locked is unlocked, not set up again.
  const unlocking = state?.protection === 'passphrase' && state.passphraseSet && state.locked && state.wallets.length > 0;
  return (
    <Modal title={unlocking ? 'Unlock your Idlegrid wallet' : 'Set up your Idlegrid wallet'} onClose={() => wallet.getState().setupDone(false)} testId="wallet-setup-dialog">
      {error ? <ErrorNotice message={error} onDismiss={() => wallet.getState().dismissError()} /> : null}
      <WalletSetupForm />
    </Modal>
  );
}
