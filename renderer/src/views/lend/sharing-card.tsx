import './sharing-card.css';
import { Money } from '../../components/money';
import type { SupplierStatus } from '../../../../common/market/lend-types';
import { StatusPill } from '../../components/status-pill';
import { SUPPLIER_STATE_LABELS, SUPPLIER_STATE_TONES } from './supplier-state';
import { usePaymentToken } from '../../wallet/use-payment-token';

interface SharingCardProps {
  status: SupplierStatus | null;
  busy: 'start' | 'stop' | null;
  /** Why the status could not be read (the session is unavailable), if so. */
  unavailable: boolean;
  onStart: () => void;
  onStop: () => void;
  /** GPUs of this machine that can be lent (null while detection has not answered). */
  lendableGpus: number | null;
}

/** The one big switch: offer this machine's GPUs on the hub, or stop. */
export function SharingCard({ status, busy, unavailable, onStart, onStop, lendableGpus }: SharingCardProps) {
  const token = usePaymentToken();
  const state = status?.state ?? 'off';
  const on = status?.sharingEnabled ?? false;
  const leasesRunning = status?.leases.filter((l) => l.state !== 'ended').length ?? 0;
  return (
    <section className="card sharing-card" data-testid="lend-sharing" data-state={state}>
      <div className="sharing-main">
        <div className="sharing-text">
          <div className="sharing-title-row">
            <h2 className="card-title">Sharing</h2>
            <StatusPill tone={SUPPLIER_STATE_TONES[state]} testId="lend-state">
              <span data-testid="lend-state-value" data-state={state}>
                {SUPPLIER_STATE_LABELS[state]}
              </span>
            </StatusPill>
          </div>
          <p className={state === 'error' ? 'sharing-message sharing-message-error' : 'sharing-message'} data-testid="lend-state-message">
            {status?.message ?? (unavailable ? 'Sharing cannot be controlled right now (see the message above).' : 'Loading…')}
          </p>
        </div>
        <button
          type="button"
          // Nothing to lend: starting would only fail, so it is not the main action here.
          className={on || lendableGpus === 0 ? 'button sharing-toggle' : 'button button-primary sharing-toggle'}
          title={lendableGpus === 0 && !on ? 'No GPU of this machine can be lent: see Home.' : undefined}
          disabled={busy !== null || (unavailable && !status)}
          aria-pressed={on}
          onClick={on ? onStop : onStart}
          data-testid="lend-sharing-toggle"
          data-sharing={on ? 'on' : 'off'}
        >
          {busy === 'start' ? 'Starting…' : busy === 'stop' ? 'Stopping…' : on ? 'Stop sharing' : 'Start sharing'}
        </button>
      </div>
      <dl className="sharing-facts">
        <div>
          <dt>Hub</dt>
          <dd className="mono break" data-testid="lend-hub">{status?.hubUrl ?? '—'}</dd>
        </div>
        <div>
          <dt>GPUs offered</dt>
          <dd data-testid="lend-shared-gpus">{status ? (on ? status.sharedGpuUuids.length : 0) : '—'}</dd>
        </div>
        <div>
          <dt>Leases now</dt>
          <dd>{leasesRunning}</dd>
        </div>
        <div>
          <dt>Schedule</dt>
          <dd data-testid="lend-schedule-open">{status ? (status.scheduleOpen ? 'Open' : 'Closed for now') : '—'}</dd>
        </div>
        <div>
          <dt title="What renters paid today on this network, before electricity; Earnings shows it net">Earned today · gross</dt>
          <dd className="sharing-today" data-testid="lend-today-earned">{status ? <Money baseUnits={status.todayEarned} token={token} /> : '—'}</dd>
        </div>
      </dl>
    </section>
  );
}
