import './wallets-card.css';
import { useState } from 'react';
import { useStores, useStoreState } from '../../app/store-hooks';
import { StatusPill } from '../../components/status-pill';
import { shortAddress } from '../../format/wallet-format';
import type { WalletAccount } from '../../../../common/wallet/wallet-types';
import { Modal } from '../../wallet/modal';
import { WalletSetupForm } from '../../wallet/wallet-setup-form';
import { ExportDialog } from './export-dialog';

/** Every wallet on this machine: switch the active one, add another, export a key. */
export function WalletsCard() {
  const { wallet } = useStores();
  const state = useStoreState('wallet', (s) => s.wallet);
  const busy = useStoreState('wallet', (s) => s.busy);
  const [adding, setAdding] = useState<'create' | 'import' | null>(null);
  const [exporting, setExporting] = useState<WalletAccount | null>(null);
  if (!state) return null;

  return (
    <section className="card card-flush" data-testid="wallet-list">
      <header className="card-head-padded">
        <h2 className="card-title">Wallets on this machine</h2>
        <div className="card-head-actions">
          <button type="button" className="button button-small" onClick={() => setAdding('create')} data-testid="wallet-add-create">
            New wallet
          </button>
          <button type="button" className="button button-small" onClick={() => setAdding('import')} data-testid="wallet-add-import">
            Import
          </button>
          {state.protection === 'passphrase' && !state.locked ? (
            <button type="button" className="button button-small button-ghost" onClick={() => void wallet.getState().lock()}>
              Lock now
            </button>
          ) : null}
        </div>
      </header>
      <div className="table-wrap">
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Address</th>
              <th scope="col">Key kept by</th>
              <th scope="col" aria-label="Actions" />
            </tr>
          </thead>
          <tbody>
            {state.wallets.map((w) => (
              <tr key={w.address} data-testid="wallet-row">
                <th scope="row">{w.label}</th>
                <td>
                  <code title={w.address}>{shortAddress(w.address)}</code>
                </td>
                <td>{w.usable ? (w.protection === 'os-keychain' ? 'OS keychain' : 'Passphrase') : <span title={w.problem ?? undefined}>{w.problem}</span>}</td>
                <td className="row-actions">
                  {w.address === state.activeAddress ? (
                    <StatusPill tone="ok">Active</StatusPill>
                  ) : w.usable ? (
                    <button type="button" className="button button-small" disabled={busy !== null} onClick={() => void wallet.getState().select(w.address)} data-testid="wallet-use">
                      Use
                    </button>
                  ) : null}
                  {w.usable ? (
                    <button type="button" className="button button-small button-ghost" onClick={() => setExporting(w)} data-testid="wallet-export">
                      Export key…
                    </button>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {state.damagedFiles.length > 0 ? (
        <p className="small card-empty notice-inline-warn">
          Some wallet files could not be read and were left as they are: {state.damagedFiles.join(', ')}. Restore them from a backup.
        </p>
      ) : null}
      {adding ? (
        <Modal title={adding === 'create' ? 'New wallet' : 'Import a wallet'} onClose={() => setAdding(null)} testId="wallet-add-dialog">
          <WalletSetupForm initialMode={adding} onDone={() => setAdding(null)} />
        </Modal>
      ) : null}
      {exporting ? <ExportDialog account={exporting} onClose={() => setExporting(null)} /> : null}
    </section>
  );
}
