import type { workerCalls } from '../../common/api/worker';
import type { DomainHandlers } from '../transport/api-handlers';
import type { WorkerService } from './worker-service';

export function workerHandlers(worker: WorkerService): DomainHandlers<typeof workerCalls> {
  return {
    'worker:doctor': () => worker.runDoctor(),
    'worker:last-doctor': () => worker.lastDoctorReport(),
    'worker:engine': () => worker.engineStatus(),
    'worker:jobs': ({ limit }) => worker.jobs(limit),
    'worker:job-history': ({ jobId }) => worker.history(jobId),
    'worker:job-logs': ({ jobId, afterSeq }) => worker.jobLogs(jobId, afterSeq),
    'worker:job-stats': ({ jobId }) => worker.jobStats(jobId),
    'worker:run-test-job': () => worker.runTestJob(),
    'worker:stop-job': ({ jobId }) => worker.stopJob(jobId, 'owner-stopped'),
  };
}
