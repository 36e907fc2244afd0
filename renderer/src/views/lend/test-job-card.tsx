import './test-job-card.css';
import type { TestJobResult } from '../../../../common/worker/doctor';
import { Spinner } from '../../components/spinner';
import { StatusPill } from '../../components/status-pill';

interface TestJobCardProps {
  running: boolean;
  result: TestJobResult | null;
  onRun: () => void;
}

/** "Run a test job": the whole path a renter's job takes, with a tiny image. */
export function TestJobCard({ running, result, onRun }: TestJobCardProps) {
  return (
    <section className="card test-job-card" aria-labelledby="test-job-title" data-testid="test-job-card">
      <div className="card-head">
        <h3 className="card-title" id="test-job-title">
          Test job
        </h3>
        <button type="button" className="button button-small button-primary" onClick={onRun} disabled={running} data-testid="run-test-job">
          {running ? <Spinner /> : null}
          {running ? 'Running…' : 'Run a test job'}
        </button>
      </div>
      <p className="muted">
        Makes a tiny image on this machine (nothing is downloaded) and runs it exactly as a renter&apos;s job would run:
        locked-down container, its own network and scratch disk, this machine&apos;s GPUs. Everything is removed afterwards.
      </p>
      {result ? (
        <div className="test-job-result" data-testid="test-job-result">
          {result.ok ? (
            <StatusPill tone="ok">The test job ran and finished</StatusPill>
          ) : (
            <StatusPill tone="error">The test job did not run</StatusPill>
          )}
          {result.finding ? (
            <div className="test-job-finding">
              <p>{result.finding.summary}</p>
              {result.finding.fix ? (
                <p className="doctor-fix">
                  <span className="doctor-fix-label">How to fix: </span>
                  {result.finding.fix}
                </p>
              ) : null}
            </div>
          ) : null}
          {result.output.length > 0 ? (
            <pre className="log-block" aria-label="What the test job printed">
              {result.output.join('\n')}
            </pre>
          ) : null}
        </div>
      ) : null}
    </section>
  );
}
