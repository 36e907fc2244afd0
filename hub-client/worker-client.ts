import { EventEmitter } from 'node:events';
import type { Agent } from 'node:https';
import WebSocket from 'ws';
import { HUB_PROTOCOL_VERSION, HUB_WORKER_WS_PATH } from '../common/hub/hub-protocol';
import { HubError } from '../common/hub/hub-errors';
import type { Offer, OfferTermsInput, WorkerHardware } from '../common/hub/market-types';
import type { HubToWorkerMessage, MeshReply, WorkerMessage } from '../common/hub/worker-messages';
import { errorText } from '../common/errors';

/** A mesh request as the caller writes it (the client adds the ref). */
export type MeshRequest = DistributiveOmit<Extract<WorkerMessage, { type: `mesh.${string}` }>, 'ref'>;
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

const MESH_REQUEST_TIMEOUT_MS = 15_000;

export interface WorkerClientOptions {
  /** The hub's base URL (http://host:port); the socket goes to ws://host:port/v1/worker. */
  hubUrl: string;
  /**
   * Other instances of the same hub (one database behind them all). When a connection drops
   * or cannot be made, the next attempt goes to the next URL in turn: a worker whose hub
   * instance died reaches one that took over.
   */
  otherHubUrls?: readonly string[];
  /** Returns a session token (signing in again if needed); called before every hello. */
  token(): Promise<string>;
  machineId: string;
  hardware: WorkerHardware;
  region: string;
  advertisedHost?: string;
  agent?: string;
  /** The https agent the socket goes through (a pinned certificate for a self-signed hub). */
  tlsAgent?: Agent;
  /** Releases of GPUs taken over from another owner, sent in the hello (read at each connection). */
  gpuReleases?: () => ReadonlyArray<{ uuid: string; signature: string }>;
  /** Reconnect backoff: starts here, doubles up to the maximum, with jitter. */
  reconnectMinMs?: number;
  reconnectMaxMs?: number;
  /** This machine's clock (tests skew it); the hub's time is measured against it. */
  nowMs?: () => number;
}

type Welcome = Extract<HubToWorkerMessage, { type: 'welcome' }>;

export interface WorkerClientEvents {
  welcome: [Welcome];
  message: [HubToWorkerMessage];
  /** A refusal from the hub (not named `error`: an unheard `error` event would throw). */
  refused: [HubError];
  disconnected: [{ code: number; reason: string }];
}

/**
 * A worker's session with the hub: dials out, says hello with its session token, sends a
 * heartbeat at the interval the hub asks for, and reconnects with backoff whenever the
 * socket drops — including across a hub restart, where the same machine id resumes the
 * same worker and the hub's welcome lists the leases to keep running. Used by the test
 * worker processes here and meant for the app's supplier session (main/market).
 */
export class WorkerClient extends EventEmitter<WorkerClientEvents> {
  private socket: WebSocket | null = null;
  private heartbeatTimer: NodeJS.Timeout | null = null;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private attempt = 0;
  private urlIndex = 0;
  private seq = 0;
  private refCounter = 0;
  private stopped = false;
  private readonly pendingRefs = new Map<string, { resolve(value: HubToWorkerMessage): void; reject(error: HubError): void }>();
  /** Round-trip times of acknowledged heartbeats, for whoever wants to measure. */
  readonly heartbeatRttMs: number[] = [];
  workerId: string | null = null;
  welcome: Welcome | null = null;
  /**
   * The hub's clock minus this machine's, from the welcome and every heartbeat (half the
   * round trip added); null until the hub has told its time. Kept across reconnects.
   */
  clockOffsetMs: number | null = null;

  constructor(private readonly o: WorkerClientOptions) {
    super();
  }

  /** The hub URL the current (or next) connection goes to. */
  get hubUrl(): string {
    const urls = [this.o.hubUrl, ...(this.o.otherHubUrls ?? [])];
    return urls[this.urlIndex % urls.length]!;
  }

  get connected(): boolean {
    return this.welcome !== null && this.socket?.readyState === WebSocket.OPEN;
  }

  /** Connects and resolves at the first welcome (rejects if the hub refuses the hello). */
  start(): Promise<Welcome> {
    this.stopped = false;
    return new Promise((resolve, reject) => {
      const onWelcome = (w: Welcome) => {
        this.off('refused', onRefused);
        resolve(w);
      };
      const onRefused = (e: HubError) => {
        if (e.code === 'unauthenticated' || e.code === 'version_mismatch') {
          this.off('welcome', onWelcome);
          this.off('refused', onRefused);
          this.stop();
          reject(e);
        }
      };
      this.once('welcome', onWelcome);
      this.on('refused', onRefused);
      this.connect();
    });
  }

  stop(): void {
    this.stopped = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.stopHeartbeats();
    this.socket?.close(1000, 'worker stopping');
    this.socket = null;
  }

  /** Drops the socket without a goodbye (tests: a network cut); reconnects as usual. */
  dropConnection(): void {
    this.socket?.terminate();
  }

  send(message: WorkerMessage): void {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(message));
  }

  /** Publishes (or with offerId, updates) an offer; resolves with the hub's copy. */
  async publishOffer(terms: OfferTermsInput, offerId?: string): Promise<Offer> {
    const ref = `r${++this.refCounter}`;
    const reply = await this.request(ref, { type: 'offer.publish', ref, ...(offerId ? { offerId } : {}), terms } as WorkerMessage);
    if (reply.type !== 'offer.published') throw new HubError('internal', `unexpected reply ${reply.type}`, 'unexpected_reply');
    return reply.offer;
  }

  async withdrawOffer(offerId: string): Promise<void> {
    const ref = `r${++this.refCounter}`;
    await this.request(ref, { type: 'offer.withdraw', ref, offerId });
  }

  reportNode(leaseId: string, state: 'pulling' | 'running' | 'exited' | 'failed' | 'down', extra: { exitCode?: number; message?: string; cause?: 'job' | 'supplier' } = {}): void {
    this.send({ type: 'lease.node', leaseId, state, ...extra });
  }

  /** A refund this machine paid to the lease's renter (the hub verifies it and keeps it as evidence). */
  reportRefund(leaseId: string, increment: number, signature: string, amount: string): void {
    this.send({ type: 'lease.refund', leaseId, increment, signature, amount });
  }

  /**
   * One request of a lease's mesh (issue 11); resolves with the hub's answer, rejects
   * with its refusal or when the socket closes first.
   */
  async meshRequest(request: MeshRequest): Promise<MeshReply> {
    const ref = `m${++this.refCounter}`;
    if (!this.connected) throw new HubError('unavailable', 'Not connected to the hub; the mesh waits for the connection.', 'not_connected');
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        this.pendingRefs.delete(ref);
        reject(new HubError('unavailable', 'The hub did not answer a mesh request within 15 s.', 'mesh_request_timeout'));
      }, MESH_REQUEST_TIMEOUT_MS);
    });
    try {
      const reply = await Promise.race([this.request(ref, { ...request, ref } as WorkerMessage), timeout]);
      if (reply.type !== 'mesh.reply') throw new HubError('internal', `unexpected reply ${reply.type}`, 'unexpected_reply');
      return reply;
    } finally {
      clearTimeout(timer);
    }
  }

  sendLog(leaseId: string, stream: 'stdout' | 'stderr', text: string): void {
    this.send({ type: 'lease.log', leaseId, stream, text });
  }

  private request(ref: string, message: WorkerMessage): Promise<HubToWorkerMessage> {
    return new Promise((resolve, reject) => {
      this.pendingRefs.set(ref, { resolve, reject });
      this.send(message);
    });
  }

  private connect(): void {
    if (this.stopped) return;
    const url = new URL(HUB_WORKER_WS_PATH, this.hubUrl.replace(/^http/, 'ws'));
    const socket = new WebSocket(url, { perMessageDeflate: false, ...(this.o.tlsAgent ? { agent: this.o.tlsAgent } : {}) });
    this.socket = socket;
    socket.on('open', () => {
      this.o
        .token()
        .then((token) => {
          if (this.socket !== socket) return;
          this.send({
            type: 'hello',
            protocolVersion: HUB_PROTOCOL_VERSION,
            token,
            machineId: this.o.machineId,
            hardware: this.o.hardware,
            region: this.o.region,
            ...(this.o.advertisedHost ? { advertisedHost: this.o.advertisedHost } : {}),
            ...(this.o.agent ? { agent: this.o.agent } : {}),
            ...(this.o.gpuReleases && this.o.gpuReleases().length > 0 ? { gpuReleases: [...this.o.gpuReleases()] } : {}),
          });
        })
        .catch((error: unknown) => {
          this.emit('refused', new HubError('unauthenticated', `Could not get a session token: ${errorText(error)}`, 'session_token_failed'));
          socket.close();
        });
    });
    socket.on('message', (data) => this.receive(String(data)));
    socket.on('error', () => undefined); // followed by close
    socket.on('close', (code, reason) => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.welcome = null;
      this.stopHeartbeats();
      for (const [ref, pending] of this.pendingRefs) {
        pending.reject(new HubError('unavailable', 'The connection to the hub closed before it answered.', 'connection_closed'));
        this.pendingRefs.delete(ref);
      }
      this.emit('disconnected', { code, reason: reason.toString() });
      // The next attempt tries the next instance (with one URL, the same one again). A
      // refusal that another instance would repeat (sign in again, protocol) gets the same.
      this.urlIndex += 1;
      this.scheduleReconnect();
    });
  }

  private receive(text: string): void {
    let message: HubToWorkerMessage;
    try {
      message = JSON.parse(text) as HubToWorkerMessage;
    } catch {
      return;
    }
    switch (message.type) {
      case 'welcome':
        if (typeof message.hubNowMs === 'number') this.clockOffsetMs = message.hubNowMs - this.now();
        this.attempt = 0;
        this.workerId = message.workerId;
        this.welcome = message;
        this.startHeartbeats(message.heartbeatIntervalMs);
        this.emit('welcome', message);
        break;
      case 'heartbeat.ack': {
        const receivedAtMs = this.now();
        const rttMs = receivedAtMs - message.sentAtMs;
        this.heartbeatRttMs.push(rttMs);
        if (typeof message.hubNowMs === 'number') this.clockOffsetMs = message.hubNowMs + Math.round(rttMs / 2) - receivedAtMs;
        break;
      }
      case 'offer.published':
      case 'offer.withdrawn':
      case 'mesh.reply':
        this.settle(message.ref, message);
        break;
      case 'error': {
        const error = new HubError(message.code, message.message, message.reason);
        if (message.ref !== undefined && this.pendingRefs.has(message.ref)) {
          this.pendingRefs.get(message.ref)!.reject(error);
          this.pendingRefs.delete(message.ref);
        }
        this.emit('refused', error);
        break;
      }
      default:
        break;
    }
    this.emit('message', message);
  }

  private settle(ref: string, message: HubToWorkerMessage): void {
    const pending = this.pendingRefs.get(ref);
    if (!pending) return;
    this.pendingRefs.delete(ref);
    pending.resolve(message);
  }

  private now(): number {
    return (this.o.nowMs ?? Date.now)();
  }

  private startHeartbeats(intervalMs: number): void {
    this.stopHeartbeats();
    this.heartbeatTimer = setInterval(() => this.send({ type: 'heartbeat', seq: ++this.seq, sentAtMs: this.now() }), intervalMs);
  }

  private stopHeartbeats(): void {
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = null;
  }

  private scheduleReconnect(): void {
    if (this.stopped) return;
    const min = this.o.reconnectMinMs ?? 500;
    const max = this.o.reconnectMaxMs ?? 15_000;
    const base = Math.min(max, min * 2 ** this.attempt);
    this.attempt += 1;
    // Full jitter: after a hub restart thousands of workers must not reconnect in lockstep.
    const delay = Math.round(base / 2 + (Math.random() * base) / 2);
    this.reconnectTimer = setTimeout(() => this.connect(), delay);
  }
}
