import type { ReconcileReport } from '../../../../common/market/earnings-types';
import { formatClockTime } from '../../format/time-format';
import { shortSignature } from '../../format/market-format';

/** What the last reconcile found: every row checked against the chain again. */
export function ReconcileResult({ report, onClose }: { report: ReconcileReport; onClose: () => void }) {
  const bad = report.mismatched.length;
  return (
    <div className={bad ? 'notice notice-error reconcile-result' : 'notice notice-ok reconcile-result'} role="status" data-testid="earnings-reconcile-result" data-mismatched={bad} data-checked={report.checked} data-ok={report.ok}>
      <div className="notice-body">
        <strong className="notice-title">
          {bad
            ? `${bad} of ${report.checked} payment${report.checked === 1 ? '' : 's'} do not match the chain`
            : report.checked === 0
              ? 'Nothing to check yet'
              : `All ${report.checked} payment${report.checked === 1 ? '' : 's'} match the chain`}
        </strong>
        <p className="notice-message">
          Checked {report.checked}, {report.ok} ok, at {formatClockTime(report.atMs)}.
          {bad ? ' A mismatched row is not counted as earned until the chain agrees; if it persists, check the network in Settings.' : ''}
        </p>
        {bad ? (
          <ul className="reconcile-mismatches">
            {report.mismatched.map((m) => (
              <li key={m.signature} data-testid="earnings-reconcile-mismatch" data-signature={m.signature}>
                <code title={m.signature}>{shortSignature(m.signature)}</code>: {m.reason}
              </li>
            ))}
          </ul>
        ) : null}
      </div>
      <div className="notice-actions">
        <button type="button" className="button button-small button-ghost" onClick={onClose}>
          Dismiss
        </button>
      </div>
    </div>
  );
}
