import { useNow } from '../../app/use-now';
import { useStores } from '../../app/store-hooks';
import { ErrorNotice } from '../../components/error-notice';
import { LoadingState } from '../../components/loading-state';
import { PageHeader } from '../../components/page-header';
import { StatusPill } from '../../components/status-pill';
import type { Job } from '../../../../common/worker/job';
import { DoctorCard } from './doctor-card';
import { JobLogsCard } from './job-logs-card';
import { JobsCard } from './jobs-card';
import { engineLabel, engineTone } from './job-format';
import { TestJobCard } from './test-job-card';
import { useWorkerStore } from './use-worker-store';
import '../../styles/lend.css';

/** Lend → This machine: is it ready for renters' jobs, and what runs on it now. */
export function LendView() {
  const { worker } = useStores();
  const engine = useWorkerStore((s) => s.engine);
  const doctor = useWorkerStore((s) => s.doctor);
  const doctorRunning = useWorkerStore((s) => s.doctorRunning);
  const jobs = useWorkerStore((s) => s.jobs);
  const jobsLoaded = useWorkerStore((s) => s.jobsLoaded);
  const pulls = useWorkerStore((s) => s.pulls);
  const stopping = useWorkerStore((s) => s.stopping);
  const followed = useWorkerStore((s) => s.followed);
  const testJob = useWorkerStore((s) => s.testJob);
  const error = useWorkerStore((s) => s.error);
  const anyRunning = jobs.some((j) => j.state === 'running' || j.state === 'paused');
  const nowMs = useNow(anyRunning ? 1000 : 60_000);
  const actions = worker.getState();

  const followedJob = followed ? jobs.find((j) => j.id === followed.jobId) ?? null : null;
  const stop = (job: Job) => {
    const what = job.isTest ? 'the test job' : `job ${job.id} of lease ${job.leaseId}`;
    // The renter loses the rest of their run: ask once.
    if (job.isTest || window.confirm(`Stop ${what}? Its container is stopped and removed, and the renter sees that you stopped it.`)) {
      void actions.stopJob(job.id);
    }
  };

  return (
    <div className="view" data-testid="view-lend">
      <PageHeader
        title="Lend"
        subtitle="This machine runs renters' jobs in locked-down Docker containers, on exactly the GPUs they leased."
        actions={
          <StatusPill tone={engineTone(engine)} title={engine?.message} testId="engine-status">
            {engineLabel(engine)}
          </StatusPill>
        }
      />

      {error ? <ErrorNotice message={error} onDismiss={() => actions.dismissError()} /> : null}

      <section className="section" aria-labelledby="this-machine-title">
        <div className="section-head">
          <h2 className="section-title" id="this-machine-title">
            This machine
          </h2>
          {engine && engine.state !== 'connected' ? <span className="section-meta">{engine.message}</span> : null}
        </div>
        <div className="lend-columns">
          <DoctorCard report={doctor} running={doctorRunning} onRun={() => void actions.runDoctor()} />
          <TestJobCard running={testJob.running} result={testJob.result} onRun={() => void actions.runTestJob()} />
        </div>
      </section>

      <section className="section" aria-labelledby="jobs-title">
        <div className="section-head">
          <h2 className="section-title" id="jobs-title">
            Jobs
          </h2>
          <span className="section-meta">
            {jobs.filter((j) => j.state === 'running').length} running · {jobs.length} shown
          </span>
        </div>
        {jobsLoaded ? (
          <JobsCard
            jobs={jobs}
            pulls={pulls}
            stopping={stopping}
            followedJobId={followed?.jobId ?? null}
            nowMs={nowMs}
            onFollow={(jobId) => void actions.follow(jobId)}
            onStop={stop}
          />
        ) : (
          <LoadingState message="Loading jobs…" />
        )}
        {followed && followedJob ? <JobLogsCard job={followedJob} logs={followed} onClose={() => void actions.follow(null)} /> : null}
      </section>

      <section className="card lend-later" data-testid="lend-offer-later">
        <span className="tag">Coming in a later version</span>
        <p className="muted">
          Sharing this machine on the market: your offer (price per GPU-hour in USDC, minimum and maximum lease,
          interruptible or on-demand, schedule, maximum temperature, electricity price) and the guards that pause jobs
          when a GPU runs too hot or you start a game.
        </p>
      </section>
    </div>
  );
}
