import type { GpuSourceStatus } from '../../../common/hardware/detection';
import type { CommandOutcome } from '../command-runner';
import type { VendorDetection } from './gpu-vendor';

/** Detection words shared by the vendors' drivers. */
export function noGpus(
  source: GpuSourceStatus['source'],
  state: GpuSourceStatus['state'],
  message: string,
  fix: string,
): VendorDetection {
  return { gpus: [], status: { source, state, message, fix } };
}

export function firstLine(outcome: Extract<CommandOutcome, { kind: 'failed' }>): string {
  // nvidia-smi prints some errors on stdout, so fall back to it when stderr is empty.
  for (const text of [outcome.stderr, outcome.stdout, outcome.error ?? '']) {
    const line = text.split('\n').find((l) => l.trim() !== '');
    if (line) return line.trim();
  }
  return 'it printed nothing.';
}

export function exitText(outcome: Extract<CommandOutcome, { kind: 'failed' }>): string {
  if (outcome.exitCode !== null) return ` (exit code ${outcome.exitCode})`;
  if (outcome.signal) return ` (killed by ${outcome.signal})`;
  return '';
}

export function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}

export function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
