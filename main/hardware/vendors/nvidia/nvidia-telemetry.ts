import type { TelemetryStream } from '../../telemetry-sampler';
import { TelemetryLineReader, telemetryQueryArgs } from './telemetry-query';

/**
 * NVIDIA's telemetry: nvidia-smi streams by itself (`-lms`), one line per GPU per tick,
 * so the child is nvidia-smi, and each line is one reading.
 */
export const NVIDIA_TELEMETRY_STREAM: TelemetryStream = {
  command: 'nvidia-smi',
  args: (intervalMs) => telemetryQueryArgs(intervalMs),
  createReader: () => {
    const reader = new TelemetryLineReader();
    return { read: (line) => reader.read(line, 0) };
  },
  missingHint: 'is the NVIDIA driver installed?',
};
