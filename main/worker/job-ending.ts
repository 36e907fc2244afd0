import type { JobEndReason, JobPort, TerminalJobState } from '../../common/worker/job';
import type { JobSpec } from '../../common/worker/job-spec';
import type { ContainerDetails } from './container-engine';
import { describePullFailure, describeStartFailure } from './engine-errors';

/** Why the worker itself stops a job. */
export type StopReason = Extract<JobEndReason, 'owner-stopped' | 'lease-ended' | 'max-duration'>;

/** How a job ended, as the jobs table records it and the owner reads it. */
export interface JobEnding {
  state: TerminalJobState;
  endReason: JobEndReason;
  exitCode: number | null;
  message: string;
}

const STOP_MESSAGES: Record<StopReason, string> = {
  'owner-stopped': 'You stopped the job.',
  'lease-ended': 'The lease ended.',
  'max-duration': 'The job reached its maximum duration.',
};

/**
 * The ending of a job whose container ran (or was meant to): from what Docker says
 * about the container, why the worker thinks it ended, and whether it was stopped.
 */
export function endingOf(
  spec: JobSpec,
  container: ContainerDetails | null,
  reason: JobEndReason,
  stopRequest: StopReason | null,
): JobEnding {
  const exitCode = container ? container.state.exitCode : null;
  if (stopRequest) return { state: 'stopped', endReason: stopRequest, exitCode, message: STOP_MESSAGES[stopRequest] };
  if (container?.state.oomKilled) {
    return {
      state: 'failed',
      endReason: 'oom-killed',
      exitCode,
      message: `The job ran out of memory (its limit is ${spec.memoryLimitMb} MB) and was killed.`,
    };
  }
  if (reason === 'engine-restarted') {
    return {
      state: 'interrupted',
      endReason: reason,
      exitCode,
      message: container
        ? `Docker restarted and stopped the job's container (exit code ${exitCode}).`
        : "Docker restarted and the job's container is gone.",
    };
  }
  if (!container) {
    return {
      state: 'interrupted',
      endReason: reason,
      exitCode: null,
      message: "Idlegrid stopped before the job's container existed, or the container was removed outside Idlegrid.",
    };
  }
  if (container.state.startedAtMs === null) {
    return { state: 'interrupted', endReason: reason, exitCode: null, message: "Idlegrid stopped before the job's container started." };
  }
  if (exitCode === 0) return { state: 'succeeded', endReason: 'exited', exitCode, message: 'The job finished.' };
  return { state: 'failed', endReason: 'exited', exitCode, message: `The job's process exited with code ${exitCode}${signalName(exitCode)}.` };
}

/** The ending of a job that failed or was stopped before its container ran. */
export function endingBeforeStart(
  spec: JobSpec,
  error: unknown,
  context: { stopRequest: StopReason | null; phase: 'pull' | 'start'; endpoint: string },
): JobEnding {
  if (context.stopRequest) {
    return { state: 'stopped', endReason: context.stopRequest, exitCode: null, message: 'The job was stopped before it started.' };
  }
  if (context.phase === 'pull') {
    return { state: 'failed', endReason: 'pull-failed', exitCode: null, message: describePullFailure(spec.image, error, context.endpoint).message };
  }
  return { state: 'failed', endReason: 'start-failed', exitCode: null, message: describeStartFailure(error, context.endpoint) };
}

/** The job's ports as Docker published them (loopback only). */
export function portsOf(spec: JobSpec, details: ContainerDetails | null): JobPort[] {
  return spec.exposedPorts.map(({ port, protocol }) => {
    const binding = details?.ports[`${port}/${protocol}`]?.find((b) => b.hostIp === '127.0.0.1') ?? null;
    return {
      containerPort: port,
      protocol,
      hostIp: binding ? binding.hostIp : null,
      hostPort: binding ? Number(binding.hostPort) : null,
    };
  });
}

/** A container known only by its exit code (it was removed before we could look at it). */
export function exitedWith(exitCode: number): ContainerDetails {
  return {
    id: '',
    name: '',
    labels: {},
    // It did start (we waited on it); when is unknown.
    state: { status: 'exited', running: false, paused: false, oomKilled: false, exitCode, error: '', startedAtMs: 0, finishedAtMs: null },
    ports: {},
    raw: null,
  };
}

function signalName(exitCode: number | null): string {
  if (exitCode === 137) return ' (killed: SIGKILL)';
  if (exitCode === 143) return ' (terminated: SIGTERM)';
  if (exitCode === 139) return ' (segmentation fault)';
  return '';
}
