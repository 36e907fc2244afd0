import { randomBytes } from 'node:crypto';
import WebSocket from 'ws';
import { getBase58Decoder } from '@solana/kit';
import { HUB_ACCESS_RENTER_WS_PATH } from '../common/access/access-protocol';
import { accessRequestText } from '../common/access/access-request';
import type { AccessRequest, SignedAccessRequest } from '../common/access/access-request';
import { HUB_PROTOCOL_VERSION } from '../common/hub/hub-protocol';
import { AccessMux } from './access-mux';
import { AccessStreamError } from './access-stream';
import type { AccessStream } from './access-stream';

export interface RenterAccessClientOptions {
  hubUrl: string;
  /** The renter's session token (signing in again when needed). */
  token(): Promise<string>;
  /** The renter's wallet address; it signs every request. */
  address: string;
  /** Signs the text of an access request with the renter's wallet (ed25519 over the bytes). */
  sign(message: Uint8Array): Promise<Uint8Array>;
  nowMs?: () => number;
  /** How long to wait for the hub's welcome and for an open to be answered. */
  timeoutMs?: number;
}

/** What to reach on a node: everything of an AccessRequest but who, when and the nonce. */
export type AccessTarget = Omit<AccessRequest, 'renter' | 'nonce' | 'issuedAtMs'>;

const base58 = getBase58Decoder();

/**
 * The renter app's access socket to the hub: opened on the first stream and kept while
 * streams are open. Each `open` signs a fresh request (lease, node, target, nonce, time)
 * with the renter's wallet and resolves with the stream once the supplier's machine has
 * accepted it, or rejects with the refusal's code and words.
 */
export class RenterAccessClient {
  private mux: AccessMux | null = null;
  private connecting: Promise<AccessMux> | null = null;
  private nextSid = 1;
  private readonly pendingOpens = new Map<number, { stream: AccessStream; resolve(stream: AccessStream): void }>();
  private disposed = false;

  constructor(private readonly o: RenterAccessClientOptions) {}

  get openStreams(): number {
    return this.mux?.streams.size ?? 0;
  }

  async open(target: AccessTarget): Promise<AccessStream> {
    const request: AccessRequest = { ...target, renter: this.o.address, nonce: randomBytes(18).toString('base64url'), issuedAtMs: (this.o.nowMs ?? Date.now)() };
    const signature = await this.o.sign(new TextEncoder().encode(accessRequestText(request)));
    return this.openSigned({ request, signature: base58.decode(signature) });
  }

  /** Opens with a request signed elsewhere (tests use it to send what an attacker would). */
  async openSigned(signed: SignedAccessRequest): Promise<AccessStream> {
    const mux = await this.connect();
    const sid = this.nextSid++;
    const stream = mux.add(sid);
    const timeoutMs = this.o.timeoutMs ?? 30_000;
    return new Promise<AccessStream>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pendingOpens.delete(sid);
        stream.destroy();
        reject(new AccessStreamError('unavailable', `Node ${signed.request.rank} did not answer within ${timeoutMs / 1000} s.`));
      }, timeoutMs);
      const onError = (error: Error) => {
        clearTimeout(timer);
        this.pendingOpens.delete(sid);
        reject(error);
      };
      stream.once('error', onError);
      this.pendingOpens.set(sid, {
        stream,
        resolve: (s) => {
          clearTimeout(timer);
          stream.off('error', onError);
          resolve(s);
        },
      });
      mux.sendControl({ type: 'open', sid, signed });
    });
  }

  /** A terminal's new size (the shell gets SIGWINCH). */
  resize(stream: AccessStream, cols: number, rows: number): void {
    this.mux?.sendControl({ type: 'resize', sid: stream.sid, cols, rows });
  }

  /** Closes the socket and with it every stream. */
  dispose(): void {
    this.disposed = true;
    this.mux?.ws.close(1000, 'renter app closing');
    this.mux?.failAll('unavailable', 'The app closed its access connection.');
    this.mux = null;
  }

  private connect(): Promise<AccessMux> {
    if (this.disposed) return Promise.reject(new AccessStreamError('unavailable', 'Access is closed.'));
    if (this.mux?.open) return Promise.resolve(this.mux);
    this.connecting ??= this.dial().finally(() => (this.connecting = null));
    return this.connecting;
  }

  private async dial(): Promise<AccessMux> {
    const token = await this.o.token();
    const ws = new WebSocket(new URL(HUB_ACCESS_RENTER_WS_PATH, this.o.hubUrl.replace(/^http/, 'ws')), { perMessageDeflate: false });
    return new Promise<AccessMux>((resolve, reject) => {
      let welcomed = false;
      const timer = setTimeout(() => {
        ws.terminate();
        reject(new AccessStreamError('unavailable', 'The hub did not welcome the access connection in time.'));
      }, this.o.timeoutMs ?? 30_000);
      const mux = new AccessMux(ws, (message) => {
        if (message.type === 'welcome') {
          welcomed = true;
          clearTimeout(timer);
          this.mux = mux;
          resolve(mux);
        } else if (message.type === 'opened' && typeof message.sid === 'number') {
          const pending = this.pendingOpens.get(message.sid);
          if (!pending) return;
          this.pendingOpens.delete(message.sid);
          pending.stream.startSending();
          pending.resolve(pending.stream);
        } else if (message.type === 'error' && !welcomed) {
          clearTimeout(timer);
          reject(new AccessStreamError((message.code as AccessStreamError['code']) ?? 'internal', String(message.message)));
        }
      });
      ws.on('open', () => ws.send(JSON.stringify({ type: 'hello', protocolVersion: HUB_PROTOCOL_VERSION, token })));
      ws.on('error', (error) => {
        if (!welcomed) {
          clearTimeout(timer);
          reject(new AccessStreamError('unavailable', `Cannot reach the hub for access: ${error.message}`));
        }
      });
      ws.on('close', (code, reason) => {
        clearTimeout(timer);
        if (this.mux === mux) this.mux = null;
        mux.failAll(code === 4401 ? 'unauthenticated' : 'unavailable', `The access connection to the hub closed (${code}${reason.length ? ` ${reason.toString()}` : ''}).`);
        if (!welcomed) reject(new AccessStreamError('unavailable', `The hub closed the access connection (${code} ${reason.toString()}).`));
      });
    });
  }
}
