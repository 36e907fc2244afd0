import './signing-confirm-dialog.css';
import { useState } from 'react';
import { useStores, useStoreState } from '../app/store-hooks';
import { useNow } from '../app/use-now';
import { NetworkBadge } from '../app/network-badge';
import { formatSol, formatTransfer, shortAddress } from '../format/wallet-format';
import type { SigningRequest } from '../../../common/wallet/wallet-types';
import { Modal } from './modal';

const TITLES: Record<SigningRequest['kind'], string> = {
  send: 'Confirm this transfer',
  payment: 'Confirm this lease payment',
  transaction: 'A page asks you to sign a transaction',
  message: 'A page asks you to sign a message',
  'auto-pay': 'Allow auto-pay to spend without asking',
  network: 'Change the network',
};

/**
 * Main's question before it signs anything: what moves, to whom, for what, on which
 * network. Shown over any view, one request at a time, oldest first. Nothing is signed
 * until "Approve and sign"; closing or declining refuses it.
 */
export function SigningConfirmDialog() {
  const request = useStoreState('wallet', (s) => s.confirmations[0] ?? null);
  const waiting = useStoreState('wallet', (s) => s.confirmations.length);
  if (!request) return null;
  // A key per request: a new request never inherits the previous one's button state.
  return <ConfirmRequest key={request.id} request={request} queued={waiting - 1} />;
}

function ConfirmRequest({ request, queued }: { request: SigningRequest; queued: number }) {
  const { wallet } = useStores();
  const label = useStoreState('wallet', (s) => s.wallet?.wallets.find((w) => w.address === request.walletAddress)?.label ?? null);
  const now = useNow(1000);
  const [answering, setAnswering] = useState(false);
  const [passphrase, setPassphrase] = useState('');
  const [refused, setRefused] = useState<string | null>(null);
  const secondsLeft = Math.max(0, Math.round((request.expiresAtMs - now) / 1000));
  // Desktop: only the app's own dialog window approves; this window can only decline.
  const inDialog = request.approval === 'dialog';

  const answer = (approved: boolean) => {
    setAnswering(true);
    setRefused(null);
    void wallet
      .getState()
      .answer(request.id, approved, approved ? passphrase : undefined)
      .then((ok) => {
        if (!ok) {
          setAnswering(false);
          setRefused(wallet.getState().error ?? 'Not approved.');
        }
      });
  };

  return (
    <Modal
      title={TITLES[request.kind]}
      onClose={() => answer(false)}
      testId="confirm-dialog"
      tone={request.warnings.length > 0 ? 'danger' : 'default'}
      footer={
        <>
          <span className="modal-footer-note">{secondsLeft > 0 ? `Expires in ${secondsLeft} s` : 'Expired'}</span>
          <button type="button" className="button" onClick={() => answer(false)} disabled={answering} data-testid="confirm-decline">
            Decline
          </button>
          {inDialog ? null : (
            <button type="button" className="button button-primary" onClick={() => answer(true)} disabled={answering || secondsLeft === 0 || passphrase === ''} data-testid="confirm-approve">
              {request.kind === 'auto-pay' || request.kind === 'network' ? 'Allow' : 'Approve and sign'}
            </button>
          )}
        </>
      }
    >
      {inDialog ? (
        <p className="confirm-elsewhere" data-testid="confirm-in-dialog">
          Approve or decline in the Idlegrid confirmation window: this window cannot approve for you.
        </p>
      ) : (
        <label className="field confirm-passphrase">
          <span>Wallet passphrase (asked again for every approval)</span>
          <input
            type="password"
            autoComplete="current-password"
            value={passphrase}
            onChange={(e) => setPassphrase(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter' && passphrase !== '' && !answering) answer(true);
            }}
            data-testid="confirm-passphrase"
          />
          {refused ? (
            <span className="field-error" role="alert" data-testid="confirm-refused">
              {refused}
            </span>
          ) : null}
        </label>
      )}
      <p className="confirm-purpose" data-testid="confirm-purpose" data-request-id={request.id}>
        {request.purpose}
      </p>
      <dl className="facts facts-single confirm-facts">
        <div className="fact">
          <dt>Network</dt>
          <dd>
            <NetworkBadge />
          </dd>
        </div>
        <div className="fact">
          <dt>From wallet</dt>
          <dd title={request.walletAddress}>
            {label ? `${label} · ` : ''}
            <code>{shortAddress(request.walletAddress)}</code>
          </dd>
        </div>
        {request.origin === 'wallet-standard' ? (
          <div className="fact">
            <dt>Asked by</dt>
            <dd>A page connected through the wallet adapter</dd>
          </div>
        ) : null}
        {request.feeLamports ? (
          <div className="fact">
            <dt>Fees</dt>
            <dd>{formatSol(request.feeLamports)}</dd>
          </div>
        ) : null}
        {request.memo ? (
          <div className="fact">
            <dt>Memo</dt>
            <dd>
              <code className="break">{request.memo}</code>
            </dd>
          </div>
        ) : null}
      </dl>

      {request.transfers.length > 0 ? (
        <div className="table-wrap">
          <table className="table confirm-transfers" data-testid="confirm-transfers">
            <thead>
              <tr>
                <th scope="col">Amount</th>
                <th scope="col">To</th>
              </tr>
            </thead>
            <tbody>
              {request.transfers.map((transfer, i) => (
                <tr key={i}>
                  <td className="num confirm-amount">{formatTransfer(transfer)}</td>
                  <td>
                    <code className="break" title={transfer.recipient}>
                      {transfer.recipient}
                    </code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}

      {request.message !== null ? (
        <>
          <p className="small muted">The message, exactly as it will be signed:</p>
          <pre className="confirm-message" data-testid="confirm-message">
            {request.message}
          </pre>
        </>
      ) : null}

      {request.kind === 'transaction' && request.programs.length > 0 ? (
        <p className="small muted">
          Programs it calls: <code className="break">{request.programs.map(shortAddress).join(', ')}</code>
        </p>
      ) : null}

      {request.warnings.length > 0 ? (
        <ul className="confirm-warnings" data-testid="confirm-warnings">
          {request.warnings.map((warning) => (
            <li key={warning}>{warning}</li>
          ))}
        </ul>
      ) : null}

      {queued > 0 ? <p className="small muted">{queued} more request{queued === 1 ? '' : 's'} waiting after this one.</p> : null}
    </Modal>
  );
}
