import { Emitter } from '../../common/event';
import type { Disposable } from '../../common/lifecycle';
import type { DoctorReport } from '../../common/worker/doctor';
import type { EngineStatus, Job, JobLogBatch, PullProgress } from '../../common/worker/job';

/**
 * The worker's typed events, fired by the runner, the log relay and the engine monitor
 * and exposed by `WorkerService` as `onDidChangeJob`, `onPullProgress`, … Their UI names
 * (`worker:job-changed`, …) are given only where main forwards them to the transports.
 */
export class WorkerEvents implements Disposable {
  readonly jobChanged = new Emitter<Job>();
  readonly pullProgress = new Emitter<PullProgress>();
  /** New output lines of a job, batched (a few batches a second at most). */
  readonly jobLog = new Emitter<JobLogBatch>();
  readonly engineChanged = new Emitter<EngineStatus>();
  readonly doctorReport = new Emitter<DoctorReport>();

  dispose(): void {
    for (const emitter of [this.jobChanged, this.pullProgress, this.jobLog, this.engineChanged, this.doctorReport]) emitter.dispose();
  }
}
