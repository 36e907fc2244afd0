import WebSocket from 'ws';
import { HUB_ACCESS_WORKER_WS_PATH } from '../common/access/access-protocol';
import type { AccessCloseCode } from '../common/access/access-protocol';
import { signedAccessRequestSchema } from '../common/access/access-request';
import type { SignedAccessRequest } from '../common/access/access-request';
import { HUB_PROTOCOL_VERSION } from '../common/hub/hub-protocol';
import { AccessMux } from './access-mux';
import type { AccessStream } from './access-stream';

/** A stream the hub asks this machine to open; the handler accepts or refuses it. */
export interface IncomingAccess {
  signed: SignedAccessRequest;
  stream: AccessStream;
  /** Sends `opened`: from now on bytes flow both ways. */
  accept(): void;
  refuse(code: AccessCloseCode, reason: string): void;
}

export interface WorkerAccessClientOptions {
  hubUrl: string;
  /** The worker session token (audience worker). */
  token(): Promise<string>;
  workerId: string;
  /** Called for each open; must accept or refuse. Terminal resizes arrive as the stream's 'resize' event (cols, rows). */
  onOpen(incoming: IncomingAccess): void;
  reconnectMinMs?: number;
  reconnectMaxMs?: number;
  /** Told when the socket drops or the hub refuses the hello (for logs). */
  onProblem?(why: string): void;
}

/**
 * A supplier machine's access socket to the hub: dials out (no inbound port), says hello
 * as its worker, and reconnects with backoff while started. Streams the hub relays arrive
 * through `onOpen`; when the socket drops every stream on it fails.
 */
export class WorkerAccessClient {
  private mux: AccessMux | null = null;
  private timer: NodeJS.Timeout | null = null;
  private attempt = 0;
  private stopped = true;
  private welcomed = false;

  constructor(private readonly o: WorkerAccessClientOptions) {}

  get connected(): boolean {
    return this.welcomed && (this.mux?.open ?? false);
  }

  get openStreams(): AccessStream[] {
    return [...(this.mux?.streams.values() ?? [])];
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    void this.dial();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const mux = this.mux;
    this.mux = null;
    mux?.failAll('unavailable', 'This machine closed its access connection.');
    mux?.ws.close(1000, 'worker stopping');
  }

  private retry(): void {
    if (this.stopped || this.timer) return;
    const min = this.o.reconnectMinMs ?? 500;
    const delay = Math.min(this.o.reconnectMaxMs ?? 30_000, min * 2 ** Math.min(this.attempt++, 10)) * (0.75 + Math.random() / 2);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.dial();
    }, delay);
  }

  private async dial(): Promise<void> {
    if (this.stopped) return;
    let token: string;
    try {
      token = await this.o.token();
    } catch (error) {
      this.o.onProblem?.(`no worker session for access: ${(error as Error).message}`);
      return this.retry();
    }
    if (this.stopped) return;
    this.welcomed = false;
    const ws = new WebSocket(new URL(HUB_ACCESS_WORKER_WS_PATH, this.o.hubUrl.replace(/^http/, 'ws')), { perMessageDeflate: false });
    const mux = new AccessMux(ws, (message) => {
      if (message.type === 'welcome') {
        this.welcomed = true;
        this.attempt = 0;
      } else if (message.type === 'open') this.incoming(mux, message);
      else if (message.type === 'resize' && typeof message.sid === 'number') mux.streams.get(message.sid)?.emit('resize', Number(message.cols), Number(message.rows));
      else if (message.type === 'error') this.o.onProblem?.(`the hub refused an access frame: ${String(message.message)}`);
    });
    this.mux = mux;
    ws.on('open', () => ws.send(JSON.stringify({ type: 'hello', protocolVersion: HUB_PROTOCOL_VERSION, token, workerId: this.o.workerId })));
    ws.on('error', () => undefined);
    ws.on('close', (code, reason) => {
      if (this.mux === mux) this.mux = null;
      this.welcomed = false;
      mux.failAll('unavailable', 'The access connection to the hub dropped.');
      if (!this.stopped) {
        this.o.onProblem?.(`access socket closed (${code} ${reason.toString()})`);
        this.retry();
      }
    });
  }

  private incoming(mux: AccessMux, message: { [key: string]: unknown }): void {
    const sid = message.sid;
    const parsed = signedAccessRequestSchema.safeParse(message.signed);
    if (typeof sid !== 'number') return;
    const stream = mux.add(sid);
    if (!parsed.success) {
      stream.closeWith('invalid_message', 'The access request does not match the protocol.');
      return;
    }
    let answered = false;
    this.o.onOpen({
      signed: parsed.data,
      stream,
      accept: () => {
        if (answered) return;
        answered = true;
        mux.sendControl({ type: 'opened', sid });
        stream.startSending();
      },
      refuse: (code, reason) => {
        if (answered) return;
        answered = true;
        stream.closeWith(code, reason);
      },
    });
  }
}
