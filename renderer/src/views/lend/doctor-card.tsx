import './doctor-card.css';
import type { DoctorReport } from '../../../../common/worker/doctor';
import { Icon } from '../../components/icon';
import { Spinner } from '../../components/spinner';
import { StatusPill } from '../../components/status-pill';
import { formatClockTime } from '../../format/time-format';
import { doctorLabel, doctorTone } from './job-format';

interface DoctorCardProps {
  report: DoctorReport | null;
  running: boolean;
  onRun: () => void;
}

/** The setup doctor: one row per check, what it found, and the fix in plain words. */
export function DoctorCard({ report, running, onRun }: DoctorCardProps) {
  return (
    <section className="card doctor-card" aria-labelledby="doctor-title" data-testid="doctor-card">
      <div className="card-head">
        <h3 className="card-title" id="doctor-title">
          Setup check
        </h3>
        {report ? (
          <StatusPill tone={report.ready ? 'ok' : 'error'} testId="doctor-ready">
            {report.ready ? 'Ready for jobs' : 'Not ready'}
          </StatusPill>
        ) : null}
        <button type="button" className="button button-small" onClick={onRun} disabled={running} data-testid="doctor-run">
          {running ? <Spinner /> : <Icon name="refresh" size={14} />}
          {running ? 'Checking…' : 'Check again'}
        </button>
      </div>
      {!report && running ? <p className="muted">Checking Docker, GPU support and disk…</p> : null}
      {report ? (
        <>
          <ul className="doctor-checks">
            {report.checks.map((check) => (
              <li key={check.id} className={`doctor-check doctor-${check.status}`} data-testid={`doctor-${check.id}`}>
                <div className="doctor-check-head">
                  <strong>{check.title}</strong>
                  <StatusPill tone={doctorTone(check.status)}>{doctorLabel(check.status)}</StatusPill>
                </div>
                <p className="doctor-summary">{check.summary}</p>
                {check.fix ? (
                  <p className="doctor-fix">
                    <span className="doctor-fix-label">How to fix: </span>
                    {check.fix}
                  </p>
                ) : null}
                {check.detail && check.status !== 'ok' ? (
                  <details className="doctor-detail">
                    <summary>Details</summary>
                    <code>{check.detail}</code>
                  </details>
                ) : null}
              </li>
            ))}
          </ul>
          <p className="card-foot">Checked at {formatClockTime(report.checkedAtMs)}</p>
        </>
      ) : null}
    </section>
  );
}
