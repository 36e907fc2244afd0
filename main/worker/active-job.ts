import type { Job } from '../../common/worker/job';
import type { JobSpec } from '../../common/worker/job-spec';
import type { StopReason } from './job-ending';

/** What the runner holds for a job it is running or watching. */
export interface ActiveJob {
  spec: JobSpec;
  containerId: string | null;
  /** Aborts the pull, the wait and the log stream: on stop (pull only) or detach. */
  abort: AbortController;
  stopRequest: StopReason | null;
  /** True while a lifecycle or a watch is in charge of this job in this process. */
  watching: boolean;
  /** The engine went away while we watched; decides "engine-restarted" at the end. */
  engineLost: boolean;
  deadlineTimer: NodeJS.Timeout | null;
  logsDone: Promise<void> | null;
  /** What a failure now would be: getting the image, or making and starting the container. */
  phase: 'pull' | 'start';
}

/** A job the runner takes charge of: watched from now, in the pull phase until it has a container. */
export function activeJob(spec: JobSpec, containerId: string | null): ActiveJob {
  return {
    spec,
    containerId,
    abort: new AbortController(),
    stopRequest: null,
    watching: true,
    engineLost: false,
    deadlineTimer: null,
    logsDone: null,
    phase: containerId ? 'start' : 'pull',
  };
}

/** Thrown inside a lifecycle when a stop was requested between two steps. */
export class StopRequested extends Error {}

/** Callers waiting for a job to reach a state; told at every change the runner announces. */
export class JobWaiters {
  private readonly waiters = new Set<{ jobId: string; check: (job: Job) => boolean; resolve: (job: Job) => void }>();

  wait(jobId: string, check: (job: Job) => boolean): Promise<Job> {
    return new Promise((resolve) => this.waiters.add({ jobId, check, resolve }));
  }

  notify(job: Job): void {
    for (const waiter of [...this.waiters]) {
      if (waiter.jobId === job.id && waiter.check(job)) {
        this.waiters.delete(waiter);
        waiter.resolve(job);
      }
    }
  }
}
