import type { DoctorStatus } from '../../../../common/worker/doctor';
import type { EngineStatus, Job, JobState, PullProgress } from '../../../../common/worker/job';
import type { StatusTone } from '../../components/status-pill';

const STATE_LABELS: Record<JobState, string> = {
  queued: 'Queued',
  pulling: 'Downloading image',
  creating: 'Starting',
  running: 'Running',
  paused: 'Paused',
  stopping: 'Stopping',
  succeeded: 'Finished',
  failed: 'Failed',
  stopped: 'Stopped',
  interrupted: 'Interrupted',
};

export function jobStateLabel(state: JobState): string {
  return STATE_LABELS[state];
}

export function jobStateTone(state: JobState): StatusTone {
  switch (state) {
    case 'running':
    case 'succeeded':
      return 'ok';
    case 'failed':
      return 'error';
    case 'paused':
    case 'interrupted':
    case 'stopping':
      return 'warn';
    case 'queued':
    case 'pulling':
    case 'creating':
      return 'info';
    default:
      return 'neutral';
  }
}

export function doctorTone(status: DoctorStatus): StatusTone {
  return status === 'ok' ? 'ok' : status === 'warn' ? 'warn' : status === 'fail' ? 'error' : 'neutral';
}

export function doctorLabel(status: DoctorStatus): string {
  return { ok: 'OK', warn: 'Check', fail: 'Needs fixing', skipped: 'Skipped' }[status];
}

export function engineTone(engine: EngineStatus | null): StatusTone {
  if (!engine) return 'neutral';
  return engine.state === 'connected' ? 'ok' : engine.state === 'connecting' ? 'info' : 'error';
}

export function engineLabel(engine: EngineStatus | null): string {
  if (!engine || engine.state === 'connecting') return 'Looking for Docker…';
  if (engine.state === 'connected') return engine.version ? `Docker ${engine.version}` : 'Docker connected';
  return 'Docker not reachable';
}

/** How far a pull is, 0–1, for the bar; null while Docker has not said how big the image is. */
export function pullFraction(progress: PullProgress): number | null {
  if (progress.phase === 'done') return 1;
  if (progress.bytesTotal <= 0) return null;
  return Math.min(1, progress.bytesDone / progress.bytesTotal);
}

export function pullLabel(progress: PullProgress): string {
  const layers = progress.layersTotal > 0 ? ` · ${progress.layersDone}/${progress.layersTotal} layers` : '';
  switch (progress.phase) {
    case 'resolving':
      return 'Looking up the image…';
    case 'extracting':
      return `Unpacking${layers}`;
    case 'done':
      return 'Downloaded';
    default:
      return `${formatMegabytes(progress.bytesDone)} of ${formatMegabytes(progress.bytesTotal)}${layers}`;
  }
}

function formatMegabytes(bytes: number): string {
  const mb = bytes / 1e6;
  return `${mb >= 100 ? Math.round(mb) : mb.toFixed(1)} MB`;
}

/** "3 s", "4 min 05 s", "2 h 10 min" */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, '0')} s`;
  const h = Math.floor(m / 60);
  return `${h} h ${String(m % 60).padStart(2, '0')} min`;
}

/** How long the job ran (or has been running). */
export function jobRunTime(job: Job, nowMs: number): string | null {
  if (job.startedAtMs === null || job.startedAtMs === 0) return null;
  return formatDuration((job.endedAtMs ?? nowMs) - job.startedAtMs);
}

export function isActiveJob(job: Job): boolean {
  return !['succeeded', 'failed', 'stopped', 'interrupted'].includes(job.state);
}
