/**
 * Names and labels of what a job creates in Docker. Labels are how the worker finds
 * its containers, networks and volumes again after a crash; the worker id keeps two
 * Idlegrid installs (or two data dirs) on one Docker engine out of each other's way.
 */
export const LABEL = {
  app: 'io.idlegrid.app',
  worker: 'io.idlegrid.worker',
  lease: 'io.idlegrid.lease',
  job: 'io.idlegrid.job',
} as const;

export const APP_LABEL_VALUE = 'idlegrid';

export interface JobResourceNames {
  container: string;
  volume: string;
  /** The job's /outputs (issue 12): what the renter takes home before the lease ends. */
  outputs: string;
  network: string;
}

/** Docker names are global to the engine: prefixed with the app and a short worker id. */
export function jobResourceNames(workerId: string, leaseId: string, jobId: string): JobResourceNames {
  const prefix = `idlegrid-${shortWorkerId(workerId)}`;
  return {
    container: `${prefix}-job-${jobId}`,
    volume: `${prefix}-scratch-${jobId}`,
    outputs: `${prefix}-outputs-${jobId}`,
    network: leaseNetworkName(workerId, leaseId),
  };
}

export function leaseNetworkName(workerId: string, leaseId: string): string {
  return `idlegrid-${shortWorkerId(workerId)}-lease-${leaseId}`;
}

export function workerLabels(workerId: string): Record<string, string> {
  return { [LABEL.app]: APP_LABEL_VALUE, [LABEL.worker]: workerId };
}

export function leaseLabels(workerId: string, leaseId: string): Record<string, string> {
  return { ...workerLabels(workerId), [LABEL.lease]: leaseId };
}

export function jobLabels(workerId: string, leaseId: string, jobId: string): Record<string, string> {
  return { ...leaseLabels(workerId, leaseId), [LABEL.job]: jobId };
}

function shortWorkerId(workerId: string): string {
  return workerId.replace(/[^A-Za-z0-9]/g, '').slice(0, 12);
}
