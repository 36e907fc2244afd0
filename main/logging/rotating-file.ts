import { closeSync, existsSync, ftruncateSync, mkdirSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export interface RotatingFileOptions {
  dir: string;
  /** The live file is `<base>.log`; older ones `<base>.1.log` (newest) … `<base>.<maxFiles-1>.log`. */
  baseName: string;
  /** A file is rotated before a write would take it past this size. */
  maxFileBytes: number;
  /** Files kept in all, the live one included; the oldest is deleted on rotation. */
  maxFiles: number;
}

/**
 * A size-capped set of log files written synchronously: pino writes one JSON line per
 * call, so a line never straddles two files and nothing is lost on a crash right after
 * a log call. Synchronous, and in this thread, because pino's transports need worker
 * threads, which we avoid in the Electron main process. At most maxFiles × maxFileBytes
 * of logs are ever on disk (a single line larger than a file is cut to the file size).
 */
export class RotatingFile {
  private fd: number;
  private size: number;
  /** Lines lost since the last write that went through (a full disk: issue 19). */
  private dropped = 0;
  private closed = false;

  constructor(private readonly o: RotatingFileOptions) {
    if (o.maxFiles < 1 || o.maxFileBytes < 1) throw new Error('A rotating log needs at least one file of at least one byte.');
    mkdirSync(o.dir, { recursive: true, mode: 0o700 });
    const live = this.pathOf(0);
    this.size = existsSync(live) ? statSync(live).size : 0;
    this.fd = openSync(live, 'a', 0o600);
  }

  /** The files that exist, oldest first (the live one last). */
  files(): string[] {
    const paths: string[] = [];
    for (let i = this.o.maxFiles - 1; i >= 0; i--) {
      if (existsSync(this.pathOf(i))) paths.push(this.pathOf(i));
    }
    return paths;
  }

  /**
   * Writes one line. A write the disk refuses (full, failing, read-only) drops the line
   * instead of throwing: a log call must never end the app (issue 19: a full disk threw
   * ENOSPC out of a timer). The next line that goes through is preceded by a note of how
   * many were lost.
   */
  write(chunk: string): boolean {
    if (this.closed) return true;
    try {
      // The note and the line go in together or not at all.
      const note = this.dropped > 0 ? `${JSON.stringify({ level: 40, time: Date.now(), msg: `${this.dropped} log line(s) were lost: the disk refused the writes (full?)` })}\n` : '';
      this.writeBytes(Buffer.from(note + chunk, 'utf8'));
      this.dropped = 0;
    } catch {
      this.dropped++;
    }
    return true;
  }

  /** Lines lost to refused writes and not yet noted in the file. */
  droppedLines(): number {
    return this.dropped;
  }

  private writeBytes(input: Buffer): void {
    const bytes = input.length > this.o.maxFileBytes ? input.subarray(0, this.o.maxFileBytes) : input;
    if (this.size > 0 && this.size + bytes.length > this.o.maxFileBytes) this.rotate();
    if (this.fd < 0) this.fd = openSync(this.pathOf(0), 'a', 0o600);
    const written = writeSync(this.fd, bytes);
    if (written < bytes.length) {
      // Part of the line went in: take it out again, so every line stays one JSON line.
      ftruncateSync(this.fd, this.size);
      throw new Error('the disk took only part of the line');
    }
    this.size += written;
  }

  close(): void {
    this.closed = true;
    if (this.fd < 0) return;
    closeSync(this.fd);
    this.fd = -1;
  }

  private rotate(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
    rmSync(this.pathOf(this.o.maxFiles - 1), { force: true });
    for (let i = this.o.maxFiles - 2; i >= 0; i--) {
      if (existsSync(this.pathOf(i))) renameSync(this.pathOf(i), this.pathOf(i + 1));
    }
    this.fd = openSync(this.pathOf(0), 'a', 0o600);
    this.size = 0;
  }

  private pathOf(index: number): string {
    return join(this.o.dir, index === 0 ? `${this.o.baseName}.log` : `${this.o.baseName}.${index}.log`);
  }
}
