import { z } from 'zod';
import { call, event } from './define';
import type { DoctorReport, TestJobResult } from '../worker/doctor';
import type { EngineStatus, Job, JobLogBatch, JobLogs, JobStats, JobTransition, PullProgress } from '../worker/job';

const noParams = z.object({}).strict();
const jobIdParams = z.object({ jobId: z.string().min(1).max(63) }).strict();

export const workerCalls = {
  /** Runs the setup doctor now (Docker, GPU container runtime, disk); takes a few seconds. */
  'worker:doctor': call<DoctorReport>()(noParams),
  /** The last doctor report, or null before the first run; cheap. */
  'worker:last-doctor': call<DoctorReport | null>()(noParams),
  'worker:engine': call<EngineStatus>()(noParams),
  /** Jobs newest first: every active job and the most recent ended ones. */
  'worker:jobs': call<Job[]>()(z.object({ limit: z.number().int().min(1).max(500).default(50) }).strict()),
  'worker:job-history': call<JobTransition[]>()(jobIdParams),
  /** Buffered output of a job (bounded); `afterSeq` returns only newer lines. */
  'worker:job-logs': call<JobLogs>()(
    z.object({ jobId: z.string().min(1).max(63), afterSeq: z.number().int().min(0).optional() }).strict(),
  ),
  'worker:job-stats': call<JobStats>()(jobIdParams),
  /** Pulls and runs a tiny known image, waits for it to end, and reports. */
  'worker:run-test-job': call<TestJobResult>()(noParams),
  /** The owner stops a job: SIGTERM, the job's grace period, then SIGKILL; everything is removed. */
  'worker:stop-job': call<Job>()(jobIdParams),
};

export const workerEvents = {
  'worker:job-changed': event<Job>(),
  'worker:pull-progress': event<PullProgress>(),
  /** New output lines, batched (at most a few batches per second per job). */
  'worker:job-log': event<JobLogBatch>(),
  'worker:engine': event<EngineStatus>(),
  'worker:doctor': event<DoctorReport>(),
};
