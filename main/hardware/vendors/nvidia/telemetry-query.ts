import type { TelemetrySample } from '../../../../common/hardware/gpu';

/** The columns asked of nvidia-smi, in this order; the reader below depends on it. */
export const TELEMETRY_QUERY_FIELDS = [
  'index',
  'uuid',
  'temperature.gpu',
  'power.draw',
  'utilization.gpu',
  'memory.used',
  'fan.speed',
  'clocks.sm',
] as const;

/**
 * Arguments for `nvidia-smi --query-gpu`. With `intervalMs`, nvidia-smi keeps running and
 * prints one line per GPU every interval (`-lms`): one process and one NVML session for
 * the life of the stream, instead of a process start and NVML init per reading.
 */
export function telemetryQueryArgs(intervalMs?: number): string[] {
  const args = [`--query-gpu=${TELEMETRY_QUERY_FIELDS.join(',')}`, '--format=csv,noheader,nounits'];
  if (intervalMs !== undefined) args.push('-lms', String(Math.max(1, Math.round(intervalMs))));
  return args;
}

const SPACE = 32;
const MINUS = 45;
const DOT = 46;
const ZERO = 48;
const NINE = 57;

/**
 * Turns `0, GPU-…, 66, 232.80, 97, 31689, [N/A], 1410` into a TelemetrySample. It runs
 * eight times a second per 8-GPU host for as long as the app runs, so it scans the line
 * in place: numbers are read digit by digit and the UUID string is reused from the last
 * line of the same GPU; the sample object is the only allocation per line.
 */
export class TelemetryLineReader {
  private readonly uuidByIndex: string[] = [];
  // Cursor over the current line: [start, end) is the field just read.
  private line = '';
  private start = 0;
  private end = -1;
  private columns = 0;

  /** The sample, or null for a line that is not a reading (an error message, a header). */
  read(line: string, tMs: number): TelemetrySample | null {
    this.line = line;
    this.end = -1;
    this.columns = 0;
    const gpuIndex = this.nextNumber();
    if (gpuIndex === null || !Number.isInteger(gpuIndex) || gpuIndex < 0) return null;
    const gpuUuid = this.nextUuid(gpuIndex);
    if (gpuUuid === null) return null;
    const temperatureC = this.nextNumber();
    const powerW = this.nextNumber();
    const utilizationPct = this.nextNumber();
    const vramUsedMiB = this.nextNumber();
    const fanPct = this.nextNumber();
    const smClockMHz = this.nextNumber();
    // Fewer or more columns than asked: not one of our lines.
    if (this.columns !== TELEMETRY_QUERY_FIELDS.length || this.end < line.length) return null;
    return { gpuUuid, gpuIndex, tMs, temperatureC, powerW, utilizationPct, vramUsedMiB, fanPct, smClockMHz };
  }

  private nextField(): boolean {
    if (this.end >= this.line.length) return false;
    this.start = this.end + 1;
    const comma = this.line.indexOf(',', this.start);
    this.end = comma < 0 ? this.line.length : comma;
    this.columns++;
    return true;
  }

  private nextNumber(): number | null {
    return this.nextField() ? readNumber(this.line, this.start, this.end) : null;
  }

  private nextUuid(index: number): string | null {
    if (!this.nextField()) return null;
    const line = this.line;
    let start = this.start;
    let end = this.end;
    while (start < end && line.charCodeAt(start) === SPACE) start++;
    while (end > start && line.charCodeAt(end - 1) === SPACE) end--;
    if (end <= start) return null;
    const known = this.uuidByIndex[index];
    if (known !== undefined && known.length === end - start && line.startsWith(known, start)) return known;
    const uuid = line.slice(start, end);
    this.uuidByIndex[index] = uuid;
    return uuid;
  }
}

/**
 * A decimal number between `start` and `end`, or null for `[N/A]`, `[Not Supported]`,
 * an empty field or anything else that is not a plain number.
 */
export function readNumber(line: string, start: number, end: number): number | null {
  while (start < end && line.charCodeAt(start) === SPACE) start++;
  while (end > start && isSpaceOrCr(line.charCodeAt(end - 1))) end--;
  if (start >= end) return null;
  let i = start;
  let negative = false;
  if (line.charCodeAt(i) === MINUS) {
    negative = true;
    i++;
  }
  // Digits are gathered as one integer and divided once by the power of ten: a single
  // correctly rounded division gives the same double as Number("232.80").
  let scaled = 0;
  let divisor = 1;
  let digits = 0;
  for (; i < end; i++) {
    const c = line.charCodeAt(i);
    if (c < ZERO || c > NINE) break;
    scaled = scaled * 10 + (c - ZERO);
    digits++;
  }
  if (i < end && line.charCodeAt(i) === DOT) {
    for (i++; i < end; i++) {
      const c = line.charCodeAt(i);
      if (c < ZERO || c > NINE) break;
      scaled = scaled * 10 + (c - ZERO);
      divisor *= 10;
      digits++;
    }
  }
  const value = scaled / divisor;
  if (digits === 0 || i !== end) return null;
  return negative ? -value : value;
}

function isSpaceOrCr(c: number): boolean {
  return c === SPACE || c === 13;
}
