import './jobs-card.css';
import type { Job, PullProgress } from '../../../../common/worker/job';
import { Spinner } from '../../components/spinner';
import { StatusPill } from '../../components/status-pill';
import { shortenUuid } from '../../format/hardware-format';
import { formatClockTime } from '../../format/time-format';
import { isActiveJob, jobRunTime, jobStateLabel, jobStateTone } from './job-format';
import { PullProgressBar } from './pull-progress-bar';

interface JobsCardProps {
  jobs: Job[];
  pulls: Record<string, PullProgress>;
  stopping: Record<string, true>;
  followedJobId: string | null;
  nowMs: number;
  onFollow: (jobId: string | null) => void;
  onStop: (job: Job) => void;
}

/** The jobs this machine runs or ran: state, image, GPUs, progress, and the owner's stop button. */
export function JobsCard({ jobs, pulls, stopping, followedJobId, nowMs, onFollow, onStop }: JobsCardProps) {
  if (jobs.length === 0) {
    return (
      <section className="card" data-testid="jobs-empty">
        <p className="muted">
          No jobs have run on this machine yet. Renters&apos; jobs appear here when you share this machine; a test job
          appears here too.
        </p>
      </section>
    );
  }
  return (
    <section className="card card-flush jobs-card" data-testid="jobs-card">
      <ul className="job-list">
        {jobs.map((job) => {
          const active = isActiveJob(job);
          const pull = pulls[job.id];
          const runTime = jobRunTime(job, nowMs);
          const followed = followedJobId === job.id;
          return (
            <li key={job.id} className={followed ? 'job-row job-row-followed' : 'job-row'} data-testid="job-row" data-job-id={job.id}>
              <div className="job-row-main">
                <div className="job-row-identity">
                  <span className="job-image" title={job.image}>
                    {job.image}
                  </span>
                  <span className="job-meta">
                    {job.isTest ? 'Test job' : `Lease ${job.leaseId}`} · {job.id}
                    {job.gpuUuids.length > 0
                      ? ` · ${job.gpuUuids.length === 1 ? 'GPU' : `${job.gpuUuids.length} GPUs`} ${job.gpuUuids.map(shortenUuid).join(', ')}`
                      : ' · CPU only'}
                  </span>
                </div>
                <div className="job-row-state">
                  <StatusPill tone={jobStateTone(job.state)} testId="job-state">
                    {jobStateLabel(job.state)}
                  </StatusPill>
                  <span className="job-times">
                    {job.startedAtMs ? `started ${formatClockTime(job.startedAtMs)}` : `accepted ${formatClockTime(job.createdAtMs)}`}
                    {runTime ? ` · ${runTime}` : ''}
                    {job.exitCode !== null && !active ? ` · exit code ${job.exitCode}` : ''}
                  </span>
                </div>
                <div className="job-row-actions">
                  <button
                    type="button"
                    className="button button-small"
                    aria-pressed={followed}
                    onClick={() => onFollow(followed ? null : job.id)}
                    data-testid="job-logs-toggle"
                  >
                    {followed ? 'Hide output' : 'Output'}
                  </button>
                  {active ? (
                    <button
                      type="button"
                      className="button button-small button-danger-ghost"
                      onClick={() => onStop(job)}
                      disabled={Boolean(stopping[job.id]) || job.state === 'stopping'}
                      data-testid="job-stop"
                    >
                      {stopping[job.id] || job.state === 'stopping' ? <Spinner /> : null}
                      {stopping[job.id] || job.state === 'stopping' ? 'Stopping…' : 'Stop'}
                    </button>
                  ) : null}
                </div>
              </div>
              {job.state === 'pulling' && pull ? <PullProgressBar progress={pull} /> : null}
              {job.message && !active && job.state !== 'succeeded' ? <p className="job-message">{job.message}</p> : null}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
