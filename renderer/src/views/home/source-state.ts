import type { GpuSourceState, GpuSourceStatus } from '../../../../common/hardware/detection';
import type { StatusTone } from '../../components/status-pill';

export const SOURCE_STATE_LABELS: Record<GpuSourceState, string> = {
  ok: 'Found GPUs',
  'no-gpu': 'No GPU',
  missing: 'Not installed',
  failed: 'Failed',
  timeout: 'Timed out',
};

/**
 * How alarming a source's state is. A missing rocm-smi on an NVIDIA machine is
 * normal, so "missing" is only a warning when no source found any GPU; a tool that
 * is there but failed or hung is always worth a look.
 */
export function sourceTone(state: GpuSourceState, anyGpuFound: boolean): StatusTone {
  switch (state) {
    case 'ok':
      return 'ok';
    case 'failed':
    case 'timeout':
      return 'error';
    case 'missing':
    case 'no-gpu':
      return anyGpuFound ? 'neutral' : 'warn';
  }
}

/** Show the fix where it helps: always for a failure, for the rest only with no GPU. */
export function showFix(source: GpuSourceStatus, anyGpuFound: boolean): boolean {
  if (!source.fix || source.state === 'ok') return false;
  return sourceTone(source.state, anyGpuFound) !== 'neutral';
}
