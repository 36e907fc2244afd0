import WebSocket from 'ws';

/**
 * A bare WebSocket to the hub for protocol tests: sends whatever it is given (malformed,
 * oversized, out of order) and records every message and the close.
 */
export class RawSocket {
  readonly messages: Array<Record<string, unknown>> = [];
  closed: { code: number; reason: string } | null = null;
  private waiters: Array<() => void> = [];

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      try {
        this.messages.push(JSON.parse(String(data)) as Record<string, unknown>);
      } catch {
        this.messages.push({ unparsable: String(data) });
      }
      this.wake();
    });
    ws.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() };
      this.wake();
    });
    ws.on('error', () => undefined);
  }

  static open(hubUrl: string, path: string): Promise<RawSocket> {
    const ws = new WebSocket(new URL(path, hubUrl.replace(/^http/, 'ws')), { perMessageDeflate: false });
    const socket = new RawSocket(ws);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(socket));
      ws.once('error', reject);
    });
  }

  send(value: unknown): void {
    this.ws.send(typeof value === 'string' ? value : JSON.stringify(value));
  }

  /** The first message (already received or future) that matches. */
  next(match: (m: Record<string, unknown>) => boolean, timeoutMs = 10_000): Promise<Record<string, unknown>> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching message within ${timeoutMs} ms; got ${JSON.stringify(this.messages.slice(-5))}`)), timeoutMs);
      const check = () => {
        const index = this.messages.findIndex(match);
        if (index >= 0) {
          clearTimeout(timer);
          resolve(this.messages.splice(index, 1)[0]!);
        } else if (this.closed) {
          clearTimeout(timer);
          reject(new Error(`socket closed (${this.closed.code} ${this.closed.reason}) before a matching message`));
        } else this.waiters.push(check);
      };
      check();
    });
  }

  waitClosed(timeoutMs = 10_000): Promise<{ code: number; reason: string }> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('socket did not close')), timeoutMs);
      const check = () => {
        if (this.closed) {
          clearTimeout(timer);
          resolve(this.closed);
        } else this.waiters.push(check);
      };
      check();
    });
  }

  close(): void {
    this.ws.terminate();
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }
}
