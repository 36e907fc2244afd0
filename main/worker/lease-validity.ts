import type { Job } from '../../common/worker/job';

/**
 * Whether a job's lease still entitles it to run. After a crash the reconciler asks
 * this before it re-adopts a container: a valid lease keeps its job running, anything
 * else is stopped and removed. The market's supplier session answers from the hub and
 * the chain (paid through when?); until then the job's own deadline is the answer.
 */
export interface LeaseValidity {
  isValid(job: Job, nowMs: number): boolean;
}

/** Valid until the job's deadline (acceptance time + its maximum duration). */
export const deadlineLeaseValidity: LeaseValidity = {
  isValid: (job, nowMs) => nowMs < job.deadlineAtMs,
};
