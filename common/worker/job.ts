/**
 * A job as the worker and the UI see it. The jobs table in ledger.db holds the same
 * facts; every state change is also a row of its transition history.
 */
export const JOB_STATES = [
  'queued',
  'pulling',
  'creating',
  'running',
  'paused',
  'stopping',
  // Terminal states: nothing of the job remains in Docker once it is in one of these.
  'succeeded',
  'failed',
  'stopped',
  'interrupted',
] as const;
export type JobState = (typeof JOB_STATES)[number];

export const TERMINAL_JOB_STATES = ['succeeded', 'failed', 'stopped', 'interrupted'] as const;
export type TerminalJobState = (typeof TERMINAL_JOB_STATES)[number];

export function isTerminalJobState(state: JobState): state is TerminalJobState {
  return (TERMINAL_JOB_STATES as readonly string[]).includes(state);
}

/** Why a job ended, for the UI, the renter and (later) refunds. */
export const JOB_END_REASONS = [
  /** The process exited by itself (code 0 → succeeded, otherwise failed). */
  'exited',
  'oom-killed',
  'owner-stopped',
  'lease-ended',
  'max-duration',
  'pull-failed',
  'start-failed',
  /** Docker stopped or lost the container (daemon restart without live-restore). */
  'engine-restarted',
  /** The app was down and the lease was no longer valid, or the container was gone. */
  'worker-restarted',
] as const;
export type JobEndReason = (typeof JOB_END_REASONS)[number];

export interface JobPort {
  containerPort: number;
  protocol: 'tcp' | 'udp';
  /** Where the port is published on this machine; null when the lease network is internal. */
  hostIp: string | null;
  hostPort: number | null;
}

export interface Job {
  id: string;
  leaseId: string;
  image: string;
  gpuUuids: string[];
  state: JobState;
  endReason: JobEndReason | null;
  exitCode: number | null;
  /** Plain words for the owner: what happened and, for failures, what to do. */
  message: string | null;
  containerId: string | null;
  ports: JobPort[];
  /** A job from "Run a test job" rather than a renter's lease. */
  isTest: boolean;
  createdAtMs: number;
  startedAtMs: number | null;
  endedAtMs: number | null;
  /** The lease's clock: the worker stops the job at this time. */
  deadlineAtMs: number;
  updatedAtMs: number;
}

export interface JobTransition {
  jobId: string;
  atMs: number;
  state: JobState;
  exitCode: number | null;
  reason: JobEndReason | null;
  message: string | null;
}

/** Pull progress of one job's image, summed over its layers. */
export interface PullProgress {
  jobId: string;
  image: string;
  phase: 'resolving' | 'downloading' | 'extracting' | 'done';
  layersTotal: number;
  layersDone: number;
  /** Bytes downloaded of the layers whose size is known; a layer already present counts as done. */
  bytesDone: number;
  bytesTotal: number;
}

/** `worker`: a line of Idlegrid's own about the job ("Downloading…", "Docker is back"). */
export type LogStream = 'stdout' | 'stderr' | 'worker';

export interface JobLogLine {
  /** Increases by one per line of the job, so a reader can ask for what follows. */
  seq: number;
  stream: LogStream;
  atMs: number;
  text: string;
}

export interface JobLogBatch {
  jobId: string;
  lines: JobLogLine[];
}

export interface JobLogs {
  jobId: string;
  lines: JobLogLine[];
  /** Lines dropped from the front of the bounded buffer so far. */
  droppedLines: number;
}

export interface JobStats {
  jobId: string;
  atMs: number;
  cpuPct: number | null;
  memoryUsedBytes: number | null;
  memoryLimitBytes: number | null;
  pids: number | null;
}

export type EngineState = 'connecting' | 'connected' | 'disconnected';

export interface EngineStatus {
  state: EngineState;
  /** e.g. "Docker 24.0.7 (API 1.43) at unix:///var/run/docker.sock". */
  message: string;
  endpoint: string;
  version: string | null;
  /** When the worker will try again, while disconnected. */
  retryAtMs: number | null;
}
