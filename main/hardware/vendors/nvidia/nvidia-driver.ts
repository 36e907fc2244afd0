import type { Gpu } from '../../../../common/hardware/gpu';
import { errorText } from '../../../../common/errors';
import { TelemetrySampler } from '../../telemetry-sampler';
import type { TelemetrySource } from '../../telemetry-service';
import type { GpuVendorDriver, ToolRun, VendorDetection, VendorTelemetryOptions } from '../gpu-vendor';
import { count, exitText, firstLine, noGpus, seconds } from '../tool-outcome';
import { explainNvidiaContainerFailure, nvidiaContainerDevices } from './nvidia-container';
import { parseNvidiaSmiXml } from './nvidia-smi-xml';
import { NVIDIA_TELEMETRY_STREAM } from './nvidia-telemetry';

/**
 * NVIDIA: detection with `nvidia-smi -q -x`, live telemetry from one long-lived
 * `nvidia-smi --query-gpu … -lms`, GPUs handed to containers by UUID through the
 * NVIDIA Container Toolkit. Every NVIDIA GPU the tool lists can be lent.
 */
export class NvidiaDriver implements GpuVendorDriver {
  readonly vendor = 'nvidia' as const;
  readonly source = 'nvidia-smi' as const;
  readonly hostScanRunsTool = true;

  async detect(run: ToolRun): Promise<VendorDetection> {
    const source = this.source;
    const outcome = await run(source, ['-q', '-x']);
    if (outcome.kind === 'missing') {
      return noGpus(source, 'missing', 'No NVIDIA driver tools found (nvidia-smi is not installed or not on PATH).',
        'Install the NVIDIA driver (it provides nvidia-smi) — skip this if the machine has no NVIDIA GPU.');
    }
    if (outcome.kind === 'timeout') {
      return noGpus(source, 'timeout', `nvidia-smi did not answer within ${seconds(outcome.timeoutMs)}, so it was stopped.`,
        'Run `nvidia-smi` in a terminal: if it hangs there too, the NVIDIA driver is stuck; a hung driver usually needs a reboot.');
    }
    const said = outcome.kind === 'failed' ? `${outcome.stdout}\n${outcome.stderr}` : outcome.stdout;
    // nvidia-smi exits 6 with "No devices were found" when the driver is loaded but sees no GPU.
    if ((outcome.kind === 'failed' && outcome.exitCode === 6) || /No devices were found/i.test(said)) {
      return noGpus(source, 'no-gpu', 'nvidia-smi is installed but found no NVIDIA GPU.',
        'If this machine has an NVIDIA GPU, check that it is seated and powered and that the driver supports it; otherwise nothing to do.');
    }
    if (outcome.kind === 'failed') {
      return noGpus(source, 'failed', `nvidia-smi failed${exitText(outcome)}: ${firstLine(outcome)}`,
        'Make sure the NVIDIA driver is installed and loaded (reinstall it, or reboot after a driver update), then detect again.');
    }
    try {
      const gpus = (await parseNvidiaSmiXml(outcome.stdout)).map((g) => ({ ...g, lendable: true }));
      if (gpus.length === 0) {
        return noGpus(source, 'no-gpu', 'nvidia-smi is installed but listed no NVIDIA GPU.',
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
      return noGpus(source, 'failed', `nvidia-smi answered, but its report could not be read: ${errorText(error)}`,
        'Update the NVIDIA driver; if this persists, report it with the output of `nvidia-smi -q -x`.');
    }
  }

  createTelemetrySource(options: VendorTelemetryOptions): TelemetrySource {
    const { gpus: _gpus, ...deps } = options;
    return new TelemetrySampler({ ...deps, stream: NVIDIA_TELEMETRY_STREAM });
  }

  containerDevices(gpus: readonly Gpu[]) {
    return nvidiaContainerDevices(gpus);
  }

  explainContainerFailure(errorText: string) {
    return explainNvidiaContainerFailure(errorText);
  }

  ownsController(text: string): boolean {
    return text.includes('nvidia');
  }
}
