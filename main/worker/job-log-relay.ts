import type { Readable } from 'node:stream';
import type { JobLogLine, JobLogs } from '../../common/worker/job';
import { DockerLogDemuxer } from './docker-log-demuxer';
import { JobLogBuffer } from './job-log-buffer';
import type { JobLogBufferLimits } from './job-log-buffer';
import type { WorkerEvents } from './worker-events';

export interface JobLogRelayDeps {
  events: WorkerEvents;
  nowMs: () => number;
  /** How often new lines go out as one `jobLog` event per job. */
  flushIntervalMs?: number;
  /** Ended jobs whose output stays readable; the oldest is forgotten first. */
  keepEndedJobs?: number;
  limits?: JobLogBufferLimits;
}

/** Bytes handled before giving the event loop a turn, so a flood of output cannot starve it. */
const YIELD_AFTER_BYTES = 1024 * 1024;
/** Lines per job in one event at most. */
const MAX_PENDING_LINES = 1_000;

/**
 * Holds every job's output and relays new lines to the UI. A container's log stream is
 * read as it comes, demultiplexed, cut into lines and kept in the job's bounded buffer;
 * new lines are batched and sent a few times a second, never one event per chunk.
 */
export class JobLogRelay {
  private readonly buffers = new Map<string, JobLogBuffer>();
  private readonly ended: string[] = [];
  private readonly pending = new Map<string, JobLogLine[]>();
  private flushTimer: NodeJS.Timeout | null = null;
  private readonly flushIntervalMs: number;
  private readonly keepEndedJobs: number;

  constructor(private readonly options: JobLogRelayDeps) {
    this.flushIntervalMs = options.flushIntervalMs ?? 200;
    this.keepEndedJobs = options.keepEndedJobs ?? 50;
  }

  /**
   * Reads a container's log stream until it ends (the container stopped, the engine
   * went away, or the caller aborted); resolves then, never rejects.
   */
  follow(jobId: string, stream: Readable): Promise<void> {
    const buffer = this.buffer(jobId);
    const demuxer = new DockerLogDemuxer((which, payload) => this.queue(jobId, buffer.append(which, payload)));
    let bytesSinceYield = 0;
    return new Promise<void>((resolve) => {
      const done = () => {
        this.queue(jobId, buffer.end());
        resolve();
      };
      stream.on('data', (chunk: Buffer) => {
        demuxer.push(chunk);
        bytesSinceYield += chunk.length;
        if (bytesSinceYield >= YIELD_AFTER_BYTES) {
          bytesSinceYield = 0;
          stream.pause();
          setImmediate(() => stream.resume());
        }
      });
      stream.once('end', done);
      stream.once('close', done);
      stream.once('error', done);
    }).then(() => undefined);
  }

  /** Adds a line of the worker's own (e.g. "pulling image…") to the job's output. */
  note(jobId: string, text: string): void {
    this.queue(jobId, [this.buffer(jobId).note(text)]);
  }

  read(jobId: string, afterSeq = 0): JobLogs {
    const buffer = this.buffers.get(jobId);
    if (!buffer) return { jobId, lines: [], droppedLines: 0 };
    return { jobId, lines: buffer.lines(afterSeq), droppedLines: buffer.droppedLines };
  }

  /** Time of the newest line, to resume a stream after reconnecting without repeats. */
  lastLineAtMs(jobId: string): number | null {
    return this.buffers.get(jobId)?.lastOutputAtMs ?? null;
  }

  /** The job ended: its output stays readable until newer ended jobs push it out. */
  jobEnded(jobId: string): void {
    this.flush();
    if (this.ended.includes(jobId)) return;
    this.ended.push(jobId);
    while (this.ended.length > this.keepEndedJobs) {
      const oldest = this.ended.shift()!;
      this.buffers.delete(oldest);
    }
  }

  /** Sends what is pending now and stops the timer (the worker is detaching). */
  close(): void {
    this.flush();
  }

  private buffer(jobId: string): JobLogBuffer {
    let buffer = this.buffers.get(jobId);
    if (!buffer) {
      buffer = new JobLogBuffer(this.options.nowMs, this.options.limits);
      this.buffers.set(jobId, buffer);
    }
    return buffer;
  }

  private queue(jobId: string, lines: JobLogLine[]): void {
    if (lines.length === 0) return;
    let list = this.pending.get(jobId);
    if (!list) {
      list = [];
      this.pending.set(jobId, list);
    }
    for (const line of lines) list.push(line);
    // A flood between two flushes: send only the newest lines; the gap shows in the
    // sequence numbers, and `worker:job-logs` still has what the buffer kept.
    if (list.length > MAX_PENDING_LINES) list.splice(0, list.length - MAX_PENDING_LINES);
    if (!this.flushTimer) {
      this.flushTimer = setTimeout(() => this.flush(), this.flushIntervalMs);
      this.flushTimer.unref();
    }
  }

  private flush(): void {
    if (this.flushTimer) {
      clearTimeout(this.flushTimer);
      this.flushTimer = null;
    }
    for (const [jobId, lines] of this.pending) {
      this.options.events.jobLog.fire({ jobId, lines });
    }
    this.pending.clear();
  }
}
