import { useStores } from '../app/store-hooks';
import { ErrorNotice } from '../components/error-notice';
import { Modal } from './modal';
import { useWalletStore } from './use-wallet-store';
import { WalletSetupForm } from './wallet-setup-form';

/** Opens when connecting the Idlegrid wallet needs one first (none yet, or locked). */
export function WalletSetupDialog() {
  const { wallet } = useStores();
  const requested = useWalletStore((s) => s.setupRequested);
  const error = useWalletStore((s) => s.error);
  if (!requested) return null;
  return (
    <Modal title="Set up your Idlegrid wallet" onClose={() => wallet.getState().setupDone(false)} testId="wallet-setup-dialog">
      {error ? <ErrorNotice message={error} onDismiss={() => wallet.getState().dismissError()} /> : null}
      <WalletSetupForm />
    </Modal>
  );
}
