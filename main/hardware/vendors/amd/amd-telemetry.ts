import type { TelemetrySample } from '../../../../common/hardware/gpu';
import type { TelemetryStream } from '../../telemetry-sampler';
import { parseRocmSmiTelemetry, ROCM_TELEMETRY_ARGS } from './rocm-smi-json';

const TICK_MARK = '@@idlegrid-rocm-tick';

/**
 * rocm-smi has no streaming mode (nvidia-smi's `-l`), so ONE long-lived `sh` runs it in a
 * loop and prints a mark after each answer: the app starts one child for the life of
 * telemetry, not one per reading. Spawning from the app every second costs this process
 * a fork of a large process, pipes and a child handle per reading (bench/telemetry.ts
 * measures both); the shell's fork of rocm-smi happens either way. `sleep` runs beside
 * rocm-smi, so a tick is the interval or rocm-smi's own time, whichever is longer. When
 * rocm-smi fails, the loop ends with its code, and the sampler restarts it with backoff.
 * The loop leads its own process group (the sampler stops it and its rocm-smi together);
 * if the app dies without stopping it, the next write to the closed pipe ends it (SIGPIPE).
 */
const LOOP = `interval="$1"; shift
while :; do
  sleep "$interval" &
  rocm-smi "$@" || { code=$?; kill $! 2>/dev/null; exit $code; }
  echo '${TICK_MARK}'
  wait
done`;

export const AMD_TELEMETRY_STREAM: TelemetryStream = {
  command: 'sh',
  args: (intervalMs) => ['-c', LOOP, 'rocm-smi-loop', (Math.max(100, intervalMs) / 1000).toString(), ...ROCM_TELEMETRY_ARGS],
  createReader: () => new RocmLoopReader(),
  missingHint: 'a POSIX shell is needed to run rocm-smi in a loop',
  processGroup: true,
};

/** Gathers one answer's lines up to the mark, then reads them as one JSON document. */
export class RocmLoopReader {
  private lines: string[] = [];

  read(line: string): TelemetrySample[] | null {
    if (line !== TICK_MARK) {
      this.lines.push(line);
      return [];
    }
    const text = this.lines.join('\n');
    this.lines = [];
    // rocm-smi may print warnings around the JSON; the document is from the first "{" to the last "}".
    const start = text.indexOf('{');
    const end = text.lastIndexOf('}');
    if (start < 0 || end < start) return null;
    try {
      return parseRocmSmiTelemetry(text.slice(start, end + 1), 0);
    } catch {
      return null;
    }
  }
}
