import type { Gpu } from '../../common/hardware/gpu';
import type { GpuSourceStatus, HardwareSnapshot, HostInfo } from '../../common/hardware/detection';
import type { CommandOutcome, CommandRunner } from './command-runner';
import type { HostInfoOptions } from './host-info';
import { otherGpusBesides } from './host-info';
import { parseNvidiaSmiXml } from './nvidia-smi-xml';
import { parseRocmSmiJson, ROCM_SMI_ARGS } from './rocm-smi-json';
import { errorText } from '../../common/errors';

export interface HardwareDetectorDeps {
  runner: CommandRunner;
  readHostInfo: (options?: HostInfoOptions) => Promise<HostInfo | null>;
  nowMs: () => number;
  /** Per tool; a healthy nvidia-smi answers in well under a second even with 8 GPUs. */
  timeoutMs?: number;
}

interface SourceResult {
  gpus: Gpu[];
  status: GpuSourceStatus;
}

/**
 * Finds the GPUs with the vendors' own tools (nvidia-smi, rocm-smi) and the rest of the
 * host with systeminformation. Never throws: each tool's outcome becomes a status with
 * what happened and what to do, and a machine with neither tool is a valid result.
 */
export class HardwareDetector {
  private running: Promise<HardwareSnapshot> | null = null;
  private readonly timeoutMs: number;

  constructor(private readonly deps: HardwareDetectorDeps) {
    this.timeoutMs = deps.timeoutMs ?? 10_000;
  }

  /** Single-flight: calls made while a detection runs share its result (and its children). */
  detect(): Promise<HardwareSnapshot> {
    this.running ??= this.detectOnce().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async detectOnce(): Promise<HardwareSnapshot> {
    const [nvidia, amd] = await Promise.all([this.detectNvidia(), this.detectAmd()]);
    const gpus = [...nvidia.gpus, ...amd.gpus];
    // systeminformation calls nvidia-smi itself, synchronously and without a timeout; after
    // ours hung, that call would freeze the app, so controllers are not listed this time.
    const host = await this.deps
      .readHostInfo({ includeGraphics: nvidia.status.state !== 'timeout' })
      .catch(() => null);
    return {
      detectedAtMs: this.deps.nowMs(),
      gpus,
      sources: [nvidia.status, amd.status],
      host: host ? { ...host, otherGpus: otherGpusBesides(host.otherGpus, gpus) } : null,
    };
  }

  private async detectNvidia(): Promise<SourceResult> {
    const source = 'nvidia-smi';
    const outcome = await this.run(source, ['-q', '-x']);
    if (outcome.kind === 'missing') {
      return none(source, 'missing', 'No NVIDIA driver tools found (nvidia-smi is not installed or not on PATH).',
        'Install the NVIDIA driver (it provides nvidia-smi) — skip this if the machine has no NVIDIA GPU.');
    }
    if (outcome.kind === 'timeout') {
      return none(source, 'timeout', `nvidia-smi did not answer within ${seconds(outcome.timeoutMs)}, so it was stopped.`,
        'Run `nvidia-smi` in a terminal: if it hangs there too, the NVIDIA driver is stuck; a hung driver usually needs a reboot.');
    }
    const said = outcome.kind === 'failed' ? `${outcome.stdout}\n${outcome.stderr}` : outcome.stdout;
    // nvidia-smi exits 6 with "No devices were found" when the driver is loaded but sees no GPU.
    if ((outcome.kind === 'failed' && outcome.exitCode === 6) || /No devices were found/i.test(said)) {
      return none(source, 'no-gpu', 'nvidia-smi is installed but found no NVIDIA GPU.',
        'If this machine has an NVIDIA GPU, check that it is seated and powered and that the driver supports it; otherwise nothing to do.');
    }
    if (outcome.kind === 'failed') {
      return none(source, 'failed', `nvidia-smi failed${exitText(outcome)}: ${firstLine(outcome)}`,
        'Make sure the NVIDIA driver is installed and loaded (reinstall it, or reboot after a driver update), then detect again.');
    }
    try {
      const gpus = await parseNvidiaSmiXml(outcome.stdout);
      if (gpus.length === 0) {
        return none(source, 'no-gpu', 'nvidia-smi is installed but listed no NVIDIA GPU.',
          'If this machine has an NVIDIA GPU, check that the driver supports it; otherwise nothing to do.');
      }
      const first = gpus[0]!;
      const cuda = first.cudaVersion ? `, CUDA ${first.cudaVersion}` : '';
      return {
        gpus,
        status: {
          source,
          state: 'ok',
          message: `Found ${count(gpus.length, 'NVIDIA GPU')} (driver ${first.driverVersion ?? 'unknown'}${cuda}).`,
          fix: null,
        },
      };
    } catch (error) {
      return none(source, 'failed', `nvidia-smi answered, but its report could not be read: ${errorText(error)}`,
        'Update the NVIDIA driver; if this persists, report it with the output of `nvidia-smi -q -x`.');
    }
  }

  private async detectAmd(): Promise<SourceResult> {
    const source = 'rocm-smi';
    const outcome = await this.run(source, ROCM_SMI_ARGS);
    if (outcome.kind === 'missing') {
      return none(source, 'missing', 'No AMD ROCm tools found (rocm-smi is not installed or not on PATH).',
        'Install ROCm (it provides rocm-smi) — skip this if the machine has no AMD GPU.');
    }
    if (outcome.kind === 'timeout') {
      return none(source, 'timeout', `rocm-smi did not answer within ${seconds(outcome.timeoutMs)}, so it was stopped.`,
        'Run `rocm-smi` in a terminal: if it hangs there too, the amdgpu driver is stuck; a reboot usually clears it.');
    }
    if (outcome.kind === 'failed') {
      return none(source, 'failed', `rocm-smi failed${exitText(outcome)}: ${firstLine(outcome)}`,
        'Make sure the amdgpu driver is loaded (`lsmod | grep amdgpu`) and ROCm matches it, then detect again.');
    }
    try {
      const gpus = parseRocmSmiJson(outcome.stdout);
      if (gpus.length === 0) {
        const said = outcome.stderr.trim().split('\n', 1)[0];
        return none(source, 'no-gpu', `rocm-smi is installed but found no AMD GPU${said ? ` (${said})` : ''}.`,
          'If this machine has an AMD GPU, make sure the amdgpu driver is loaded; otherwise nothing to do.');
      }
      return {
        gpus,
        status: {
          source,
          state: 'ok',
          message: `Found ${count(gpus.length, 'AMD GPU')} (driver ${gpus[0]!.driverVersion ?? 'unknown'}).`,
          fix: null,
        },
      };
    } catch (error) {
      return none(source, 'failed', `rocm-smi answered, but its report could not be read: ${errorText(error)}`,
        'Update ROCm; if this persists, report it with the output of `rocm-smi --json`.');
    }
  }

  private run(command: string, args: readonly string[]): Promise<CommandOutcome> {
    // A runner must not reject, but a broken one must not break detection either.
    return this.deps.runner
      .run(command, args, { timeoutMs: this.timeoutMs })
      .catch((error: unknown) => ({
        kind: 'failed' as const,
        exitCode: null,
        signal: null,
        stdout: '',
        stderr: '',
        error: String(error),
      }));
  }
}

function none(
  source: GpuSourceStatus['source'],
  state: GpuSourceStatus['state'],
  message: string,
  fix: string,
): SourceResult {
  return { gpus: [], status: { source, state, message, fix } };
}

function firstLine(outcome: Extract<CommandOutcome, { kind: 'failed' }>): string {
  // nvidia-smi prints some errors on stdout, so fall back to it when stderr is empty.
  for (const text of [outcome.stderr, outcome.stdout, outcome.error ?? '']) {
    const line = text.split('\n').find((l) => l.trim() !== '');
    if (line) return line.trim();
  }
  return 'it printed nothing.';
}

function exitText(outcome: Extract<CommandOutcome, { kind: 'failed' }>): string {
  if (outcome.exitCode !== null) return ` (exit code ${outcome.exitCode})`;
  if (outcome.signal) return ` (killed by ${outcome.signal})`;
  return '';
}

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
