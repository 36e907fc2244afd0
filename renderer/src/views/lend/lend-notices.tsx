import './lend-notices.css';
import type { LendNotice } from '../../../../common/market/lend-types';
import { formatClockTime } from '../../format/time-format';

const TONE: Record<LendNotice['kind'], 'ok' | 'warn' | 'info'> = {
  'job-started': 'info',
  'job-ended': 'info',
  payment: 'ok',
  refund: 'info',
  overheat: 'warn',
  cooled: 'ok',
  refused: 'warn',
  attestation: 'warn',
};

interface LendNoticesProps {
  notices: LendNotice[];
  onDismiss: (atMs: number) => void;
}

/** What the supplier session told the tray, kept here too for an owner looking at the window. */
export function LendNotices({ notices, onDismiss }: LendNoticesProps) {
  if (notices.length === 0) return null;
  return (
    <ul className="lend-notices" aria-live="polite" data-testid="lend-notices">
      {notices.slice(0, 4).map((notice) => (
        <li key={`${notice.atMs}-${notice.kind}`} className={`lend-notice lend-notice-${TONE[notice.kind]}`} data-testid="lend-notice" data-kind={notice.kind}>
          <div className="lend-notice-body">
            <strong>{notice.title}</strong>
            <span className="muted"> · {formatClockTime(notice.atMs)}</span>
            <p>{notice.body}</p>
          </div>
          <button type="button" className="icon-button" aria-label="Dismiss" onClick={() => onDismiss(notice.atMs)}>
            <span aria-hidden="true">×</span>
          </button>
        </li>
      ))}
    </ul>
  );
}
