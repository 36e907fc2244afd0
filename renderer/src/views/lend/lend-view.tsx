import './lend-view.css';
import { useEffect } from 'react';
import { useNow } from '../../app/use-now';
import { useSettingsOrDefaults, useStores, useStoreState } from '../../app/store-hooks';
import { ErrorNotice } from '../../components/error-notice';
import { LoadingState } from '../../components/loading-state';
import { PageHeader } from '../../components/page-header';
import { StatusPill } from '../../components/status-pill';
import type { Job } from '../../../../common/worker/job';
import { DoctorCard } from './doctor-card';
import { JobLogsCard } from './job-logs-card';
import { JobsCard } from './jobs-card';
import { engineLabel, engineTone } from './job-format';
import { LendNotices } from './lend-notices';
import { OfferTermsForm } from './offer-terms-form';
import { SharingCard } from './sharing-card';
import { SupplierLeasesCard } from './supplier-leases-card';
import { ScoreWhy } from '../../components/score-why';
import { TestJobCard } from './test-job-card';
import { ThermalGuardCard } from './thermal-guard-card';

const ACCESS_KIND_LABEL = { terminal: 'Terminal', forward: 'Port forward', upload: 'Upload', download: 'Download' } as const;

/** Lend: share this machine on the market (terms, leases, the thermal guard), and is it ready for renters' jobs. */
export function LendView() {
  const { worker, lend, wallet: walletStore } = useStores();
  const walletLocked = useStoreState('wallet', (s) => Boolean(s.wallet?.locked && s.wallet.wallets.length > 0));
  const status = useStoreState('lend', (s) => s.status);
  const reputation = useStoreState('lend', (s) => s.reputation);
  const lendStore = useStores().lend;
  const scoreWorkerId = status?.workerId ?? null;
  useEffect(() => {
    if (scoreWorkerId) void lendStore.getState().loadReputation();
  }, [lendStore, scoreWorkerId, status?.leases.length]);
  const terms = useStoreState('lend', (s) => s.terms);
  const medians = useStoreState('lend', (s) => s.medians);
  const notices = useStoreState('lend', (s) => s.notices);
  const lendBusy = useStoreState('lend', (s) => s.busy);
  const lendError = useStoreState('lend', (s) => s.error);
  const lendLoading = useStoreState('lend', (s) => s.loading);
  const termsError = useStoreState('lend', (s) => s.termsError);
  const termsSavedAtMs = useStoreState('lend', (s) => s.termsSavedAtMs);
  const snapshot = useStoreState('hardware', (s) => s.snapshot);
  const { temperatureUnit } = useSettingsOrDefaults();
  const gpus = snapshot?.gpus ?? null;
  const engine = useStoreState('worker', (s) => s.engine);
  const doctor = useStoreState('worker', (s) => s.doctor);
  const doctorRunning = useStoreState('worker', (s) => s.doctorRunning);
  const jobs = useStoreState('worker', (s) => s.jobs);
  const jobsLoaded = useStoreState('worker', (s) => s.jobsLoaded);
  const pulls = useStoreState('worker', (s) => s.pulls);
  const stopping = useStoreState('worker', (s) => s.stopping);
  const followed = useStoreState('worker', (s) => s.followed);
  const testJob = useStoreState('worker', (s) => s.testJob);
  const error = useStoreState('worker', (s) => s.error);
  const anyRunning = jobs.some((j) => j.state === 'running' || j.state === 'paused');
  const guardActive = status?.guard.pausedSinceMs != null || status?.guard.hotSinceMs != null;
  const nowMs = useNow(anyRunning || guardActive ? 1000 : 60_000);
  const actions = worker.getState();
  const lendActions = lend.getState();

  // The market's median per model, as a reference next to the price.
  const modelsKey = [...new Set((gpus ?? []).filter((g) => g.lendable).map((g) => g.name))].join('\n');
  const hubKey = status?.hubUrl ?? '';
  useEffect(() => {
    for (const model of modelsKey ? modelsKey.split('\n') : []) void lend.getState().loadMedian(model);
  }, [lend, modelsKey, hubKey]);

  const stopSharing = () => {
    const running = status?.leases.filter((l) => l.state !== 'ended').length ?? 0;
    // Running leases finish by default; stopping them loses the renter their run, so ask.
    const stopRunning = running > 0 && window.confirm(`${running} lease${running === 1 ? ' is' : 's are'} running here. Stop ${running === 1 ? 'it' : 'them'} too? (Cancel lets ${running === 1 ? 'it' : 'them'} finish; no new leases are taken either way.)`);
    void lendActions.stopSharing(stopRunning);
  };

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
        subtitle="Share this machine's GPUs on the market. Renters' jobs run in locked-down Docker containers, on exactly the GPUs they leased."
        actions={
          <StatusPill tone={engineTone(engine)} title={engine?.message} testId="engine-status">
            {engineLabel(engine)}
          </StatusPill>
        }
      />

      <LendNotices notices={notices} onDismiss={(atMs) => lendActions.dismissNotice(atMs)} />
      {walletLocked ? (
        <div className="lend-notice lend-unlock" role="status" data-testid="lend-wallet-locked">
          <span>The wallet is locked: this machine cannot sign in to the hub, so sharing waits until you unlock it.</span>
          <button type="button" className="button button-primary button-small" onClick={() => void walletStore.getState().requireReadyWallet().catch(() => undefined)} data-testid="lend-unlock">
            Unlock
          </button>
        </div>
      ) : null}
      {lendError ? (
        <ErrorNotice title="Sharing" message={lendError} onRetry={() => void lendActions.load()} onDismiss={() => lendActions.dismissError()} />
      ) : null}

      <section className="section" aria-label="Sharing">
        <div className="lend-sharing-row">
          <SharingCard
            status={status}
            busy={lendBusy === 'terms' ? null : lendBusy}
            unavailable={lendError !== null}
            onStart={() => void lendActions.startSharing()}
            onStop={stopSharing}
            lendableGpus={gpus === null ? null : gpus.filter((g) => g.lendable).length}
          />
          <ThermalGuardCard guard={status?.guard ?? (terms ? { maxTemperatureC: terms.maxTemperatureC, hottestC: null, pausedSinceMs: null, hotSinceMs: null } : null)} unit={temperatureUnit} nowMs={nowMs} watchedGpus={gpus === null ? null : gpus.filter((g) => g.lendable).length} />
        </div>
      </section>

      <section className="section" aria-labelledby="supplier-leases-title">
        <div className="section-head">
          <h2 className="section-title" id="supplier-leases-title">
            Leases on this machine
          </h2>
          {status ? <span className="section-meta">{status.leases.filter((l) => l.state !== 'ended').length} active</span> : null}
        </div>
        {reputation ? (
          <div className="card lend-score" data-testid="lend-score">
            <ScoreWhy label="Your score as a supplier" score={reputation.score} worker={reputation.why} testId="lend-score-why" />
          </div>
        ) : null}
        <SupplierLeasesCard leases={status?.leases ?? []} sharing={status?.sharingEnabled ?? false} />
        {status?.accessStreams?.length ? (
          <div className="card lend-access-streams" data-testid="lend-access-streams">
            <strong>Renters' streams open on this machine</strong>
            <ul>
              {status.accessStreams.map((s, i) => (
                <li key={`${s.leaseId}-${s.kind}-${s.sinceMs}-${i}`} data-testid="lend-access-stream" data-kind={s.kind} data-lease-id={s.leaseId}>
                  {ACCESS_KIND_LABEL[s.kind]} · lease <code>{s.leaseId}</code> node {s.rank} · since {new Date(s.sinceMs).toLocaleTimeString()}
                </li>
              ))}
            </ul>
          </div>
        ) : null}
      </section>

      <section className="section" aria-label="Offer terms">
        {terms ? (
          <OfferTermsForm
            terms={terms}
            gpus={gpus ?? []}
            medians={medians}
            saving={lendBusy === 'terms'}
            saveError={termsError}
            savedAtMs={termsSavedAtMs}
            sharing={status?.sharingEnabled ?? false}
            onSave={(t) => lendActions.saveTerms(t)}
          />
        ) : lendLoading ? (
          <LoadingState message="Loading offer terms…" />
        ) : null}
      </section>

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

    </div>
  );
}
