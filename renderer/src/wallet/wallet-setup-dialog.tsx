import { useStores, useStoreState } from '../app/store-hooks';
import { ErrorNotice } from '../components/error-notice';
import { Modal } from './modal';
import { WalletSetupForm } from './wallet-setup-form';

/** Opens when connecting the Idlegrid wallet needs one first (none yet, or locked). */
export function WalletSetupDialog() {
  const { wallet } = useStores();
  const requested = useStoreState('wallet', (s) => s.setupRequested);
  const error = useStoreState('wallet', (s) => s.error);
  if (!requested) return null;
  return (
    <Modal title="Set up your Idlegrid wallet" onClose={() => wallet.getState().setupDone(false)} testId="wallet-setup-dialog">
      {error ? <ErrorNotice message={error} onDismiss={() => wallet.getState().dismissError()} /> : null}
      <WalletSetupForm />
    </Modal>
  );
}
