import { MAX_LOG_CHUNK_CHARS } from '../../../common/hub/hub-protocol';

export type LogSink = (leaseId: string, stream: 'stdout' | 'stderr', text: string) => void;

/** Messages per flush, all leases together: 4 flushes/s × 8 = 32/s, under the hub's 50/s per worker with room for heartbeats and node reports. */
const MAX_MESSAGES_PER_FLUSH = 8;
/** Per lease and stream; beyond this the oldest text is dropped and the renter told how much. */
const MAX_BUFFERED_CHARS = 1024 * 1024;

/**
 * Batches a lease's log lines into `lease.log` messages: one chunk per stream every flush,
 * each at most MAX_LOG_CHUNK_CHARS, and no more messages per flush than the hub's rate
 * limit allows. A job printing faster than that loses its oldest lines, with a note.
 */
export class LeaseLogBatcher {
  private readonly pending = new Map<string, { leaseId: string; stream: 'stdout' | 'stderr'; text: string; dropped: number }>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly sink: LogSink,
    private readonly flushIntervalMs = 250,
  ) {}

  push(leaseId: string, stream: 'stdout' | 'stderr', line: string): void {
    const key = `${leaseId}\u0000${stream}`;
    const entry = this.pending.get(key) ?? { leaseId, stream, text: '', dropped: 0 };
    entry.text += line.endsWith('\n') ? line : `${line}\n`;
    if (entry.text.length > MAX_BUFFERED_CHARS) {
      const cut = entry.text.length - MAX_BUFFERED_CHARS;
      entry.dropped += cut;
      entry.text = entry.text.slice(cut);
    }
    this.pending.set(key, entry);
    if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), this.flushIntervalMs);
      this.timer.unref();
    }
  }

  /** Sends what the rate allows now; the rest waits for the next flush. */
  flush(): void {
    this.timer = null;
    let budget = MAX_MESSAGES_PER_FLUSH;
    for (const [key, entry] of this.pending) {
      if (budget <= 0) break;
      if (entry.dropped > 0) {
        this.sink(entry.leaseId, 'stderr', `[idlegrid] ${entry.dropped} characters of output were dropped: the job printed faster than logs can be relayed.\n`);
        entry.dropped = 0;
        budget--;
      }
      while (entry.text.length > 0 && budget > 0) {
        this.sink(entry.leaseId, entry.stream, entry.text.slice(0, MAX_LOG_CHUNK_CHARS));
        entry.text = entry.text.slice(MAX_LOG_CHUNK_CHARS);
        budget--;
      }
      if (entry.text.length === 0 && entry.dropped === 0) this.pending.delete(key);
    }
    if (this.pending.size > 0 && !this.timer) {
      this.timer = setTimeout(() => this.flush(), this.flushIntervalMs);
      this.timer.unref();
    }
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.pending.clear();
  }
}
