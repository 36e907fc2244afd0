import type { HardwareSnapshot, HostInfo } from '../../common/hardware/detection';
import type { CommandOutcome, CommandRunner } from './command-runner';
import type { HostInfoOptions } from './host-info';
import { otherGpusBesides } from './host-info';
import { createGpuVendorDrivers, type GpuVendorDriver } from './vendors';

export interface HardwareDetectorDeps {
  runner: CommandRunner;
  readHostInfo: (options?: HostInfoOptions) => Promise<HostInfo | null>;
  nowMs: () => number;
  /** Per tool; a healthy nvidia-smi answers in well under a second even with 8 GPUs. */
  timeoutMs?: number;
  /** The vendors to look for; every known vendor by default. */
  drivers?: readonly GpuVendorDriver[];
}

/**
 * Finds the GPUs with the vendors' own tools (each vendor's driver runs its tool) and
 * the rest of the host with systeminformation. Never throws: each tool's outcome becomes
 * a status with what happened and what to do, and a machine with no tool is a valid result.
 */
export class HardwareDetector {
  private running: Promise<HardwareSnapshot> | null = null;
  private readonly timeoutMs: number;
  private readonly drivers: readonly GpuVendorDriver[];

  constructor(private readonly deps: HardwareDetectorDeps) {
    this.timeoutMs = deps.timeoutMs ?? 10_000;
    this.drivers = deps.drivers ?? createGpuVendorDrivers();
  }

  /** Single-flight: calls made while a detection runs share its result (and its children). */
  detect(): Promise<HardwareSnapshot> {
    this.running ??= this.detectOnce().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async detectOnce(): Promise<HardwareSnapshot> {
    const found = await Promise.all(this.drivers.map((driver) => driver.detect((command, args) => this.run(command, args))));
    const gpus = found.flatMap((f) => f.gpus);
    // systeminformation runs nvidia-smi itself, synchronously and without a timeout; after
    // ours hung, that call would freeze the app, so controllers are not listed this time.
    const toolHung = this.drivers.some((driver, i) => driver.hostScanRunsTool && found[i]!.status.state === 'timeout');
    const host = await this.deps.readHostInfo({ includeGraphics: !toolHung }).catch(() => null);
    return {
      detectedAtMs: this.deps.nowMs(),
      gpus,
      sources: found.map((f) => f.status),
      host: host ? { ...host, otherGpus: otherGpusBesides(host.otherGpus, gpus, this.drivers) } : null,
    };
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
