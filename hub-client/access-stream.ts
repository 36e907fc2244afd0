import { Duplex } from 'node:stream';
import { ACCESS_MAX_DATA_BYTES, ACCESS_WINDOW_BYTES } from '../common/access/access-protocol';
import type { AccessCloseCode } from '../common/access/access-protocol';

/** Why a stream failed or was refused, with the hub's or the supplier's words. */
export class AccessStreamError extends Error {
  constructor(
    readonly code: AccessCloseCode,
    message: string,
  ) {
    super(message);
    this.name = 'AccessStreamError';
  }
}

/** What a stream needs from the socket it rides on. */
export interface AccessStreamSink {
  sendData(sid: number, payload: Uint8Array): void;
  sendControl(message: object): void;
  forget(sid: number): void;
}

/** Credit is given back in batches of this much consumed data (or at once when the reader keeps up with small chunks). */
const GRANT_BATCH_BYTES = ACCESS_WINDOW_BYTES / 4;

/**
 * One node stream as a Node Duplex, on either app. Writes are cut into data frames and
 * sent only while this end has credit (a write's callback waits otherwise, so `pipe` and
 * `pipeline` slow the producer down); received bytes are pushed to the reader and credit
 * is granted back as the reader takes them, so a slow reader slows the far writer and
 * nothing here buffers more than one window.
 */
export class AccessStream extends Duplex {
  private credit = 0;
  private ungranted = 0;
  private pending: { chunk: Buffer; callback: (error?: Error | null) => void } | null = null;
  private closedByPeer = false;
  /** The exit code a terminal's shell ended with, when the far end said. */
  exitCode: number | null = null;
  /** How the far end closed it (`done` for a normal end). */
  closeCode: AccessCloseCode | null = null;
  closeReason: string | null = null;

  constructor(
    readonly sid: number,
    private readonly sink: AccessStreamSink,
  ) {
    super({ allowHalfOpen: true });
  }

  /** The far end accepted: this end may send one window. */
  startSending(): void {
    this.credit = ACCESS_WINDOW_BYTES;
    this.flush();
  }

  onCredit(bytes: number): void {
    this.credit = Math.min(ACCESS_WINDOW_BYTES, this.credit + bytes);
    this.flush();
  }

  onData(payload: Uint8Array): void {
    if (this.destroyed || this.readableEnded) return;
    this.ungranted += payload.length;
    // A view, not a copy: the frame's buffer is this stream's from here on.
    const more = this.push(Buffer.isBuffer(payload) ? payload : Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength));
    if (more && (this.ungranted >= GRANT_BATCH_BYTES || this.readableLength === 0)) this.grant();
  }

  onEnd(): void {
    if (!this.readableEnded) this.push(null);
  }

  /** The far end (or the hub) closed the stream. */
  onClose(code: AccessCloseCode, reason: string, exitCode?: number): void {
    this.closedByPeer = true;
    this.closeCode = code;
    this.closeReason = reason;
    if (exitCode !== undefined) this.exitCode = exitCode;
    if (code !== 'done') {
      this.destroy(new AccessStreamError(code, reason));
      return;
    }
    this.push(null);
    // Writes still waiting have nowhere to go; what was received can still be read.
    if (this.pending) {
      const { callback } = this.pending;
      this.pending = null;
      callback(new AccessStreamError('done', reason || 'the far end closed the stream'));
    }
    if (this.readableEnded || this.readableLength === 0) setImmediate(() => this.destroy());
    else this.once('end', () => this.destroy());
  }

  /** Closes from this end with a reason (a refusal, a failure, or `done` with a shell's exit code). */
  closeWith(code: AccessCloseCode, reason: string, exitCode?: number): void {
    if (!this.closedByPeer) {
      this.closedByPeer = true;
      this.sink.sendControl({ type: 'close', sid: this.sid, code, reason: reason.slice(0, 500), ...(exitCode !== undefined ? { exitCode } : {}) });
    }
    this.destroy();
  }

  override _read(): void {
    if (this.ungranted > 0) this.grant();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.pending = { chunk, callback };
    this.flush();
  }

  override _final(callback: (error?: Error | null) => void): void {
    if (!this.closedByPeer) this.sink.sendControl({ type: 'end', sid: this.sid });
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    if (this.pending) {
      this.pending.callback(error ?? new AccessStreamError('done', 'the stream was closed'));
      this.pending = null;
    }
    if (!this.closedByPeer) {
      this.closedByPeer = true;
      this.sink.sendControl({ type: 'close', sid: this.sid, code: error ? 'internal' : 'done', reason: error ? error.message.slice(0, 500) : 'closed' });
    }
    this.sink.forget(this.sid);
    callback(error);
  }

  private grant(): void {
    const bytes = this.ungranted;
    this.ungranted = 0;
    if (!this.closedByPeer) this.sink.sendControl({ type: 'credit', sid: this.sid, bytes });
  }

  private flush(): void {
    while (this.pending && this.credit > 0 && !this.destroyed) {
      const { chunk, callback } = this.pending;
      const n = Math.min(chunk.length, this.credit, ACCESS_MAX_DATA_BYTES);
      this.sink.sendData(this.sid, chunk.subarray(0, n));
      this.credit -= n;
      if (n === chunk.length) {
        this.pending = null;
        callback();
      } else this.pending = { chunk: chunk.subarray(n), callback };
    }
  }
}
