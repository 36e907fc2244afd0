import '../../wallet/signing-confirm-dialog.css';
import { useState } from 'react';
import { useStores, useStoreState } from '../../app/store-hooks';
import { CopyButton } from '../../components/copy-button';
import { ErrorNotice } from '../../components/error-notice';
import { SegmentedControl } from '../../components/segmented-control';
import { EXPORT_CONFIRMATION } from '../../../../common/api/wallet';
import type { WalletAccount, WalletExportResult } from '../../../../common/wallet/wallet-types';
import { Modal } from '../../wallet/modal';

const FORMATS = [
  { value: 'solana-cli-json', label: 'Solana CLI key file' },
  { value: 'base58', label: 'Base58 text' },
] as const;

/**
 * Export asks twice: the words of EXPORT_CONFIRMATION (and the passphrase, headless).
 * Main writes the key to a private file and says where; the key never enters this window.
 */
export function ExportDialog({ account, onClose }: { account: WalletAccount; onClose: () => void }) {
  const { wallet } = useStores();
  const needsPassphrase = useStoreState('wallet', (s) => s.wallet?.protection === 'passphrase');
  const busy = useStoreState('wallet', (s) => s.busy === 'export');
  const error = useStoreState('wallet', (s) => s.error);
  const [format, setFormat] = useState<WalletExportResult['format']>('solana-cli-json');
  const [understood, setUnderstood] = useState(false);
  const [passphrase, setPassphrase] = useState('');
  const [result, setResult] = useState<WalletExportResult | null>(null);

  const run = async () => {
    const exported = await wallet.getState().exportKey(account.address, format, needsPassphrase ? passphrase : undefined);
    setPassphrase('');
    if (exported) setResult(exported);
  };

  return (
    <Modal
      title={`Export the key of “${account.label}”`}
      onClose={onClose}
      tone="danger"
      testId="wallet-export-dialog"
      footer={
        result ? (
          <button type="button" className="button" onClick={onClose}>
            Done
          </button>
        ) : (
          <>
            <button type="button" className="button" onClick={onClose}>
              Cancel
            </button>
            <button
              type="button"
              className="button button-danger"
              disabled={!understood || busy || (needsPassphrase && passphrase.length === 0)}
              onClick={() => void run()}
              data-testid="wallet-export-submit"
            >
              Write the key file
            </button>
          </>
        )
      }
    >
      {error && !result ? <ErrorNotice message={error} onDismiss={() => wallet.getState().dismissError()} /> : null}
      {result ? (
        <>
          <p>The key was written to:</p>
          <p className="address-line">
            <code className="break" data-testid="wallet-export-path">
              {result.path}
            </code>
            <CopyButton text={result.path} what="file path" />
          </p>
          <p className="confirm-warnings-text">{result.warning}</p>
        </>
      ) : (
        <>
          <p>
            The secret key of <code className="break">{account.address}</code> will be written, unencrypted, to a new file in the Idlegrid data folder.
            Anyone who reads that file can spend everything in this wallet.
          </p>
          <SegmentedControl legend="Format" options={FORMATS} value={format} onChange={setFormat} showLegend />
          {needsPassphrase ? (
            <label className="field">
              <span className="field-label">Wallet passphrase</span>
              <input className="text-input" type="password" autoComplete="current-password" value={passphrase} onChange={(e) => setPassphrase(e.target.value)} />
            </label>
          ) : null}
          <label className="checkbox-line">
            <input type="checkbox" checked={understood} onChange={(e) => setUnderstood(e.target.checked)} data-testid="wallet-export-understood" />
            <span>{EXPORT_CONFIRMATION}.</span>
          </label>
        </>
      )}
    </Modal>
  );
}
