import WebSocket from 'ws';
import { decodeDataFrame, encodeDataFrame } from '../common/access/access-protocol';
import type { AccessCloseCode } from '../common/access/access-protocol';
import { AccessStream } from './access-stream';
import type { AccessStreamSink } from './access-stream';

const KEEPALIVE_MS = 25_000;

/**
 * The streams of one access socket (either app's): routes binary data frames and the
 * credit, end and close frames to their AccessStream, and hands every other control frame
 * to `onControl`. When the socket goes, every stream on it fails with `why`.
 */
export class AccessMux implements AccessStreamSink {
  readonly streams = new Map<number, AccessStream>();
  private readonly keepalive: NodeJS.Timeout;
  private awaitingPong = false;

  constructor(
    readonly ws: WebSocket,
    private readonly onControl: (message: { type: string; [key: string]: unknown }) => void,
  ) {
    // Pings keep an idle stream's NAT mapping alive (a notebook left open for hours) and
    // find a dead connection: no pong by the next ping and the socket is given up.
    this.keepalive = setInterval(() => {
      if (this.awaitingPong) return void ws.terminate();
      this.awaitingPong = true;
      if (this.open) ws.ping();
    }, KEEPALIVE_MS);
    this.keepalive.unref();
    ws.on('pong', () => (this.awaitingPong = false));
    ws.on('close', () => clearInterval(this.keepalive));
    ws.on('message', (data, isBinary) => {
      const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
      if (isBinary) {
        const frame = decodeDataFrame(bytes);
        if (frame) this.streams.get(frame.sid)?.onData(frame.payload);
        return;
      }
      let message: { type: string; sid?: number; [key: string]: unknown };
      try {
        message = JSON.parse(bytes.toString('utf8')) as typeof message;
      } catch {
        return;
      }
      const stream = typeof message.sid === 'number' ? this.streams.get(message.sid) : undefined;
      if (message.type === 'credit' && stream) stream.onCredit(Number(message.bytes));
      else if (message.type === 'end' && stream) stream.onEnd();
      else if (message.type === 'close' && stream) {
        this.streams.delete(stream.sid);
        stream.onClose(message.code as AccessCloseCode, String(message.reason ?? ''), typeof message.exitCode === 'number' ? message.exitCode : undefined);
      } else this.onControl(message);
    });
  }

  get open(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  add(sid: number): AccessStream {
    const stream = new AccessStream(sid, this);
    this.streams.set(sid, stream);
    return stream;
  }

  sendData(sid: number, payload: Uint8Array): void {
    if (this.open) this.ws.send(encodeDataFrame(sid, payload));
  }

  sendControl(message: object): void {
    if (this.open) this.ws.send(JSON.stringify(message));
  }

  forget(sid: number): void {
    this.streams.delete(sid);
  }

  /** The socket is gone: every stream on it fails with this reason. */
  failAll(code: AccessCloseCode, why: string): void {
    for (const stream of [...this.streams.values()]) {
      this.streams.delete(stream.sid);
      stream.onClose(code, why);
    }
  }
}
