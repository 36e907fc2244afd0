import type { Gpu } from '../../../../common/hardware/gpu';
import { errorText } from '../../../../common/errors';
import { TelemetrySampler } from '../../telemetry-sampler';
import type { TelemetrySource } from '../../telemetry-service';
import type { GpuVendorDriver, ToolRun, VendorDetection, VendorTelemetryOptions } from '../gpu-vendor';
import { count, exitText, firstLine, noGpus, seconds } from '../tool-outcome';
import { amdContainerDevices, explainAmdContainerFailure } from './amd-container';
import { AMD_TELEMETRY_STREAM } from './amd-telemetry';
import { HOST_DEVICE_PATHS, renderNodeName, type AmdDevicePaths } from './render-node';
import { parseRocmSmiJson, ROCM_SMI_ARGS } from './rocm-smi-json';

/**
 * AMD: detection with `rocm-smi --json`, live telemetry from rocm-smi run in one
 * long-lived shell loop, GPUs handed to containers as `/dev/kfd` plus their own render
 * node. A GPU can be lent when its render node is found (through its PCI bus id in sysfs).
 */
export class AmdDriver implements GpuVendorDriver {
  readonly vendor = 'amd' as const;
  readonly source = 'rocm-smi' as const;
  readonly hostScanRunsTool = false;

  constructor(private readonly paths: AmdDevicePaths = HOST_DEVICE_PATHS) {}

  async detect(run: ToolRun): Promise<VendorDetection> {
    const source = this.source;
    const outcome = await run(source, ROCM_SMI_ARGS);
    if (outcome.kind === 'missing') {
      return noGpus(source, 'missing', 'No AMD ROCm tools found (rocm-smi is not installed or not on PATH).',
        'Install ROCm (it provides rocm-smi) — skip this if the machine has no AMD GPU.');
    }
    if (outcome.kind === 'timeout') {
      return noGpus(source, 'timeout', `rocm-smi did not answer within ${seconds(outcome.timeoutMs)}, so it was stopped.`,
        'Run `rocm-smi` in a terminal: if it hangs there too, the amdgpu driver is stuck; a reboot usually clears it.');
    }
    if (outcome.kind === 'failed') {
      return noGpus(source, 'failed', `rocm-smi failed${exitText(outcome)}: ${firstLine(outcome)}`,
        'Make sure the amdgpu driver is loaded (`lsmod | grep amdgpu`) and ROCm matches it, then detect again.');
    }
    try {
      const gpus = parseRocmSmiJson(outcome.stdout).map((g) => ({ ...g, lendable: renderNodeName(g.busId, this.paths) !== null }));
      if (gpus.length === 0) {
        const said = outcome.stderr.trim().split('\n', 1)[0];
        return noGpus(source, 'no-gpu', `rocm-smi is installed but found no AMD GPU${said ? ` (${said})` : ''}.`,
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
      return noGpus(source, 'failed', `rocm-smi answered, but its report could not be read: ${errorText(error)}`,
        'Update ROCm; if this persists, report it with the output of `rocm-smi --json`.');
    }
  }

  createTelemetrySource(options: VendorTelemetryOptions): TelemetrySource {
    const { gpus: _gpus, ...deps } = options;
    return new TelemetrySampler({ ...deps, stream: AMD_TELEMETRY_STREAM });
  }

  containerDevices(gpus: readonly Gpu[]) {
    return amdContainerDevices(gpus, this.paths);
  }

  explainContainerFailure(errorText: string) {
    return explainAmdContainerFailure(errorText);
  }

  ownsController(text: string): boolean {
    return /\b(amd|ati)\b|advanced micro devices/.test(text);
  }
}
