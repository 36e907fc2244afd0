import './lease-trust-card.css';
import { useState } from 'react';
import type { DisputeResult } from '../../../../common/hub/lease-types';
import { downloadTextFile } from '../../app/download-file';
import { useStores, useStoreState } from '../../app/store-hooks';

const OUTCOME_TEXT: Record<DisputeResult['outcome'], string> = {
  'supplier-flagged': 'Settled: the supplier is flagged',
  'no-refund': 'Settled: no refund is due',
  refunded: 'Settled: the supplier refunded you',
  'needs-review': 'Needs a person to look at it',
};

/**
 * What a renter can do when something went wrong: download everything the hub kept about
 * the lease (attestations, node reports signed by the suppliers' keys, payments, refunds) as
 * one file, and open a dispute, which the hub settles by rule where it can and says how.
 */
export function LeaseTrustCard({ leaseId }: { leaseId: string }) {
  const rent = useStores().rent.getState();
  const busy = useStoreState('rent', (s) => s.busy);
  const actionError = useStoreState('rent', (s) => s.actionError);
  const result = useStoreState('rent', (s) => s.disputes[leaseId] ?? null);
  const [complaint, setComplaint] = useState('');
  const [open, setOpen] = useState(false);

  const download = async () => {
    const file = await rent.evidence(leaseId);
    if (file) downloadTextFile(`idlegrid-lease-${leaseId}-evidence.json`, `${JSON.stringify(file, null, 2)}\n`, 'application/json');
  };
  const submit = async () => {
    if (complaint.trim().length === 0) return;
    const settled = await rent.dispute(leaseId, complaint.trim());
    if (settled) setOpen(false);
  };
  const error = actionError && (actionError.action === 'dispute' || actionError.action === 'evidence') ? actionError.message : null;

  return (
    <section className="card rent-trust-card" aria-labelledby="lease-trust-title" data-testid="lease-trust">
      <h3 className="card-title" id="lease-trust-title">
        Evidence and disputes
      </h3>
      <p className="muted small">The hub keeps every GPU check, node report, payment and refund of this lease.</p>
      <div className="form-actions">
        <button type="button" className="button button-small" onClick={() => void download()} disabled={busy === 'evidence'} data-testid="lease-download-evidence">
          Download evidence
        </button>
        {!open ? (
          <button type="button" className="button button-small button-ghost" onClick={() => setOpen(true)} data-testid="lease-open-dispute">
            Open a dispute
          </button>
        ) : null}
      </div>
      {open ? (
        <form
          className="rent-dispute-form"
          onSubmit={(e) => {
            e.preventDefault();
            void submit();
          }}
        >
          <label className="field">
            <span className="field-label">What went wrong?</span>
            <textarea className="textarea" value={complaint} maxLength={1000} rows={3} onChange={(e) => setComplaint(e.target.value)} data-testid="lease-dispute-reason" required />
          </label>
          <div className="form-actions">
            <button type="submit" className="button button-small button-primary" disabled={busy === 'dispute' || complaint.trim().length === 0} data-testid="lease-dispute-submit">
              Send the dispute
            </button>
            <button type="button" className="button button-small button-ghost" onClick={() => setOpen(false)}>
              Cancel
            </button>
          </div>
        </form>
      ) : null}
      {result ? (
        <div className="notice" role="status" data-testid="lease-dispute-result" data-outcome={result.outcome}>
          <div className="notice-body">
            <strong className="notice-title">{OUTCOME_TEXT[result.outcome]}</strong>
            <p className="notice-message">{result.why}</p>
          </div>
        </div>
      ) : null}
      {error ? (
        <p className="field-error" role="alert" data-testid="lease-trust-error">
          {error}
        </p>
      ) : null}
    </section>
  );
}
