import { StringDecoder } from 'node:string_decoder';
import type { JobLogLine, LogStream } from '../../common/worker/job';

type OutputStream = Exclude<LogStream, 'worker'>;

export interface JobLogBufferLimits {
  /** Lines kept; older ones are dropped first. */
  maxLines: number;
  /** Characters kept over all lines, so a few huge lines cannot hold megabytes. */
  maxChars: number;
  /** A line longer than this is cut into several (a job printing without newlines). */
  maxLineChars: number;
}

export const DEFAULT_LOG_LIMITS: JobLogBufferLimits = {
  maxLines: 5_000,
  maxChars: 2_000_000,
  maxLineChars: 8_192,
};

/**
 * One job's output as lines, in a bounded ring: memory per job stays under the limits
 * however much the job prints. Bytes arrive per stream in arbitrary chunks; a UTF-8
 * character or a line cut across chunks is joined before it becomes a line.
 */
export class JobLogBuffer {
  private readonly ring: Array<JobLogLine | undefined>;
  private head = 0; // index of the oldest line
  private size = 0;
  private chars = 0;
  private nextSeq = 1;
  private dropped = 0;
  private lastOutputMs: number | null = null;
  private readonly partial: Record<OutputStream, string> = { stdout: '', stderr: '' };
  private readonly decoders: Record<OutputStream, StringDecoder> = {
    stdout: new StringDecoder('utf8'),
    stderr: new StringDecoder('utf8'),
  };

  constructor(
    private readonly nowMs: () => number,
    private readonly limits: JobLogBufferLimits = DEFAULT_LOG_LIMITS,
  ) {
    this.ring = new Array<JobLogLine | undefined>(limits.maxLines);
  }

  /** Adds a chunk of one stream; returns the lines it completed, in order. */
  append(stream: OutputStream, chunk: Buffer): JobLogLine[] {
    const text = this.partial[stream] + this.decoders[stream].write(chunk);
    const completed: JobLogLine[] = [];
    let start = 0;
    for (;;) {
      const newline = text.indexOf('\n', start);
      if (newline === -1) break;
      this.cutLine(stream, text.slice(start, newline), completed);
      start = newline + 1;
    }
    let rest = text.slice(start);
    while (rest.length > this.limits.maxLineChars) {
      completed.push(this.add(stream, rest.slice(0, this.limits.maxLineChars)));
      rest = rest.slice(this.limits.maxLineChars);
    }
    this.partial[stream] = rest;
    return completed;
  }

  /** A line of the worker's own, between the job's lines. */
  note(text: string): JobLogLine {
    return this.add('worker', text.slice(0, this.limits.maxLineChars));
  }

  /** The streams ended: whatever was left without a newline becomes a line. */
  end(): JobLogLine[] {
    const completed: JobLogLine[] = [];
    for (const stream of ['stdout', 'stderr'] as const) {
      const rest = this.partial[stream] + this.decoders[stream].end();
      this.partial[stream] = '';
      if (rest.length > 0) this.cutLine(stream, rest, completed);
    }
    return completed;
  }

  /** Lines still held, oldest first; with `afterSeq`, only those after it. */
  lines(afterSeq = 0): JobLogLine[] {
    const out: JobLogLine[] = [];
    for (let i = 0; i < this.size; i++) {
      const line = this.ring[(this.head + i) % this.limits.maxLines]!;
      if (line.seq > afterSeq) out.push(line);
    }
    return out;
  }

  newest(): JobLogLine | null {
    return this.size === 0 ? null : this.ring[(this.head + this.size - 1) % this.limits.maxLines]!;
  }

  /** When the job itself last printed (the worker's notes do not count); null before its first line. */
  get lastOutputAtMs(): number | null {
    return this.lastOutputMs;
  }

  get droppedLines(): number {
    return this.dropped;
  }

  get lastSeq(): number {
    return this.nextSeq - 1;
  }

  private cutLine(stream: LogStream, line: string, into: JobLogLine[]): void {
    const text = line.endsWith('\r') ? line.slice(0, -1) : line;
    if (text.length <= this.limits.maxLineChars) {
      into.push(this.add(stream, text));
      return;
    }
    for (let i = 0; i < text.length; i += this.limits.maxLineChars) {
      into.push(this.add(stream, text.slice(i, i + this.limits.maxLineChars)));
    }
  }

  private add(stream: LogStream, text: string): JobLogLine {
    const line: JobLogLine = { seq: this.nextSeq++, stream, atMs: this.nowMs(), text };
    if (stream !== 'worker') this.lastOutputMs = line.atMs;
    if (this.size === this.limits.maxLines) this.dropOldest();
    this.ring[(this.head + this.size) % this.limits.maxLines] = line;
    this.size++;
    this.chars += text.length;
    while (this.chars > this.limits.maxChars && this.size > 1) this.dropOldest();
    return line;
  }

  private dropOldest(): void {
    const oldest = this.ring[this.head]!;
    this.ring[this.head] = undefined;
    this.head = (this.head + 1) % this.limits.maxLines;
    this.size--;
    this.chars -= oldest.text.length;
    this.dropped++;
  }
}
