import type { Job } from '../../../common/worker/job';

/** What this machine tells the hub about a lease's node (a `lease.node` message, less the lease id). */
export interface NodeReport {
  state: 'pulling' | 'running' | 'exited' | 'failed';
  extra: { exitCode?: number; message?: string; cause?: 'job' | 'supplier' };
}

/**
 * The node report for a job's state: its message (cut to the hub's 1024 characters) and
 * exit code ride along, and a failure names whose fault it was — "job" when the container
 * failed on its own (the renter's image or command), "supplier" when this machine stopped
 * it. Only the latter counts against the supplier. Null for a state the hub is not told.
 */
export function jobReport(job: Job): NodeReport | null {
  const message = job.message?.slice(0, 1024);
  const extra = { ...(message ? { message } : {}), ...(job.exitCode !== null ? { exitCode: job.exitCode } : {}) };
  switch (job.state) {
    case 'queued':
    case 'pulling':
    case 'creating':
      return { state: 'pulling', extra };
    case 'running':
    case 'paused':
      return { state: 'running', extra };
    case 'succeeded':
      return { state: 'exited', extra };
    case 'stopped':
      if (job.endReason === 'owner-stopped') return { state: 'failed', extra: { ...extra, cause: 'supplier' } };
      return { state: 'exited', extra };
    case 'failed': {
      const jobsFault = job.endReason === 'exited' || job.endReason === 'oom-killed' || job.endReason === 'pull-failed';
      return { state: 'failed', extra: { ...extra, cause: jobsFault ? 'job' : 'supplier' } };
    }
    case 'interrupted':
      return { state: 'failed', extra: { ...extra, cause: 'supplier' } };
    default:
      return null;
  }
}
