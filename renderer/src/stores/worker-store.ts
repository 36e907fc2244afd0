import { createStore } from 'zustand/vanilla';
import type { StoreApi } from 'zustand/vanilla';
import type { ApiClient } from '../../../common/api/client';
import type { DoctorReport, TestJobResult } from '../../../common/worker/doctor';
import type { EngineStatus, Job, JobLogLine, PullProgress } from '../../../common/worker/job';
import { isTerminalJobState } from '../../../common/worker/job';
import { errorMessage } from './error-message';
import { startOnce } from './start-once';

/** Lines of the followed job kept here; main keeps more (`worker:job-logs`). */
export const MAX_LOG_LINES = 2_000;

export interface FollowedLogs {
  jobId: string;
  lines: JobLogLine[];
  /** Lines main dropped from its own buffer before we read it. */
  droppedLines: number;
  loading: boolean;
}

/**
 * The worker as the Lend view sees it: Docker's state, the doctor's last report, this
 * machine's jobs, pull progress, and the output of the one job the owner follows
 * (only that one: a busy worker's logs never pile up in the window).
 */
export interface WorkerStoreState {
  engine: EngineStatus | null;
  doctor: DoctorReport | null;
  doctorRunning: boolean;
  jobs: Job[];
  jobsLoaded: boolean;
  pulls: Record<string, PullProgress>;
  followed: FollowedLogs | null;
  testJob: { running: boolean; result: TestJobResult | null };
  /** Jobs the owner asked to stop, until main says they ended. */
  stopping: Record<string, true>;
  /** The last failure of a load or an action, shown where it happened. */
  error: string | null;

  start(): () => void;
  load(): Promise<void>;
  runDoctor(): Promise<void>;
  runTestJob(): Promise<void>;
  stopJob(jobId: string): Promise<void>;
  follow(jobId: string | null): Promise<void>;
  dismissError(): void;
}

export type WorkerStore = StoreApi<WorkerStoreState>;

export function createWorkerStore(client: ApiClient): WorkerStore {

  return createStore<WorkerStoreState>()((set, get) => ({
    engine: null,
    doctor: null,
    doctorRunning: false,
    jobs: [],
    jobsLoaded: false,
    pulls: {},
    followed: null,
    testJob: { running: false, result: null },
    stopping: {},
    error: null,

    start: startOnce(() => {
      const offs = [
        client.subscribe('worker:engine', (engine) => set({ engine })),
        client.subscribe('worker:doctor', (doctor) => set({ doctor })),
        client.subscribe('worker:job-changed', (job) => {
          set((s) => ({
            jobs: upsertJob(s.jobs, job),
            pulls: job.state === 'pulling' ? s.pulls : without(s.pulls, job.id),
            stopping: isTerminalJobState(job.state) ? without(s.stopping, job.id) : s.stopping,
          }));
        }),
        client.subscribe('worker:pull-progress', (progress) => {
          set((s) => ({ pulls: { ...s.pulls, [progress.jobId]: progress } }));
        }),
        client.subscribe('worker:job-log', (batch) => {
          const followed = get().followed;
          if (!followed || followed.jobId !== batch.jobId) return;
          set({ followed: { ...followed, lines: appendLines(followed.lines, batch.lines) } });
        }),
      ];
      void get().load();
      return offs;
    }),

    async load() {
      try {
        const [engine, jobs, doctor] = await Promise.all([
          client.call('worker:engine', {}),
          client.call('worker:jobs', { limit: 50 }),
          client.call('worker:last-doctor', {}),
        ]);
        set((s) => ({ engine, jobs: mergeJobs(s.jobs, jobs), doctor: doctor ?? s.doctor, jobsLoaded: true, error: null }));
        // The first visit runs the doctor; after that the owner asks for it.
        if (!doctor && !get().doctorRunning) void get().runDoctor();
        const followed = get().followed;
        if (followed) void get().follow(followed.jobId);
      } catch (error) {
        set({ jobsLoaded: true, error: errorMessage(error) });
      }
    },

    async runDoctor() {
      if (get().doctorRunning) return;
      set({ doctorRunning: true, error: null });
      try {
        const doctor = await client.call('worker:doctor', {});
        set({ doctor, doctorRunning: false });
        // Docker may have come back while the doctor looked.
        set({ engine: await client.call('worker:engine', {}) });
      } catch (error) {
        set({ doctorRunning: false, error: errorMessage(error) });
      }
    },

    async runTestJob() {
      if (get().testJob.running) return;
      set({ testJob: { running: true, result: null }, error: null });
      try {
        const result = await client.call('worker:run-test-job', {});
        set({ testJob: { running: false, result } });
      } catch (error) {
        set({ testJob: { running: false, result: null }, error: errorMessage(error) });
      }
    },

    async stopJob(jobId) {
      if (get().stopping[jobId]) return;
      set((s) => ({ stopping: { ...s.stopping, [jobId]: true }, error: null }));
      try {
        const job = await client.call('worker:stop-job', { jobId });
        set((s) => ({ jobs: upsertJob(s.jobs, job), stopping: without(s.stopping, jobId) }));
      } catch (error) {
        set((s) => ({ stopping: without(s.stopping, jobId), error: errorMessage(error) }));
      }
    },

    async follow(jobId) {
      if (!jobId) {
        set({ followed: null });
        return;
      }
      const current = get().followed;
      const keep = current?.jobId === jobId ? current.lines : [];
      set({ followed: { jobId, lines: keep, droppedLines: current?.jobId === jobId ? current.droppedLines : 0, loading: true } });
      try {
        const logs = await client.call('worker:job-logs', { jobId });
        const now = get().followed;
        if (!now || now.jobId !== jobId) return; // the owner picked another job meanwhile
        // Lines that came as events while we asked are kept (they are newer).
        set({ followed: { jobId, lines: appendLines(logs.lines, now.lines), droppedLines: logs.droppedLines, loading: false } });
      } catch (error) {
        const now = get().followed;
        if (now?.jobId === jobId) set({ followed: { ...now, loading: false }, error: errorMessage(error) });
      }
    },

    dismissError() {
      set({ error: null });
    },
  }));
}

/** Newest first; a job's newer state replaces an older one (events can overtake answers). */
export function upsertJob(jobs: Job[], job: Job): Job[] {
  const existing = jobs.find((j) => j.id === job.id);
  if (existing && existing.updatedAtMs > job.updatedAtMs) return jobs;
  const next = existing ? jobs.map((j) => (j.id === job.id ? job : j)) : [job, ...jobs];
  return next.sort((a, b) => b.createdAtMs - a.createdAtMs);
}

function mergeJobs(current: Job[], loaded: Job[]): Job[] {
  return loaded.reduce(upsertJob, current.filter((j) => loaded.some((l) => l.id === j.id) || !isTerminalJobState(j.state)));
}

/** Adds lines not seen yet (by sequence number), keeping the newest MAX_LOG_LINES. */
export function appendLines(lines: JobLogLine[], more: JobLogLine[]): JobLogLine[] {
  const lastSeq = lines.length > 0 ? lines[lines.length - 1]!.seq : 0;
  const fresh = more.filter((l) => l.seq > lastSeq);
  if (fresh.length === 0) return lines;
  const all = lines.concat(fresh);
  return all.length > MAX_LOG_LINES ? all.slice(all.length - MAX_LOG_LINES) : all;
}

function without<T>(record: Record<string, T>, key: string): Record<string, T> {
  if (!(key in record)) return record;
  const { [key]: _, ...rest } = record;
  return rest;
}
