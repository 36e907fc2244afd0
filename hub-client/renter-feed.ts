import { EventEmitter } from 'node:events';
import type { Agent } from 'node:https';
import WebSocket from 'ws';
import { HUB_PROTOCOL_VERSION, HUB_RENTER_WS_PATH } from '../common/hub/hub-protocol';
import { HubError } from '../common/hub/hub-errors';
import type { LeaseView } from '../common/hub/lease-types';
import type { HubToRenterMessage, LeaseEvent, RenterMessage } from '../common/hub/renter-messages';

export interface RenterFeedOptions {
  hubUrl: string;
  /** The https agent the socket goes through (a pinned certificate for a self-signed hub). */
  tlsAgent?: Agent;
  /** The renter's session token (from HubHttpClient.signIn). */
  token(): Promise<string>;
  reconnectMinMs?: number;
  reconnectMaxMs?: number;
}

export interface RenterFeedEvents {
  /** The whole lease, at every (re)subscription: the state to show before further events. */
  lease: [LeaseView];
  event: [LeaseEvent];
  refused: [HubError];
}

/**
 * A renter following its leases live over the renter socket: state changes, node states,
 * payments and log lines. Reconnects with backoff and subscribes again to every lease it
 * follows; each subscription starts with the whole lease, so nothing is missed across a
 * reconnect. For the app's renter client (main/market) and tests.
 */
export class RenterFeed extends EventEmitter<RenterFeedEvents> {
  private socket: WebSocket | null = null;
  private readonly following = new Set<string>();
  private ready = false;
  private stopped = false;
  private attempt = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly o: RenterFeedOptions) {
    super();
  }

  start(): void {
    this.stopped = false;
    this.connect();
  }

  follow(leaseId: string): void {
    this.following.add(leaseId);
    if (this.ready) this.send({ type: 'subscribe', leaseId });
  }

  unfollow(leaseId: string): void {
    this.following.delete(leaseId);
    if (this.ready) this.send({ type: 'unsubscribe', leaseId });
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.socket?.close(1000, 'renter leaving');
    this.socket = null;
  }

  /**
   * The renter's verifier speaks to a node of a reserved lease (challenge, rows to open)
   * or reports its outcome; false when the socket is not up (the caller fails the check
   * rather than wait for a reconnect).
   */
  sendAttestation(message: Extract<RenterMessage, { type: 'attest.send' | 'attest.outcome' }>): boolean {
    if (!this.ready || this.socket?.readyState !== WebSocket.OPEN) return false;
    this.socket.send(JSON.stringify(message));
    return true;
  }

  private send(message: object): void {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(message));
  }

  private connect(): void {
    if (this.stopped) return;
    const socket = new WebSocket(new URL(HUB_RENTER_WS_PATH, this.o.hubUrl.replace(/^http/, 'ws')), { perMessageDeflate: false, ...(this.o.tlsAgent ? { agent: this.o.tlsAgent } : {}) });
    this.socket = socket;
    socket.on('open', () => {
      this.o
        .token()
        .then((token) => this.send({ type: 'hello', protocolVersion: HUB_PROTOCOL_VERSION, token }))
        .catch(() => socket.close());
    });
    socket.on('message', (data) => {
      let message: HubToRenterMessage;
      try {
        message = JSON.parse(String(data)) as HubToRenterMessage;
      } catch {
        return;
      }
      if (message.type === 'welcome') {
        this.ready = true;
        this.attempt = 0;
        for (const leaseId of this.following) this.send({ type: 'subscribe', leaseId });
      } else if (message.type === 'subscribed') this.emit('lease', message.lease);
      else if (message.type === 'error') this.emit('refused', new HubError(message.code, message.message, message.reason));
      else if (message.type !== 'unsubscribed') this.emit('event', message);
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      if (this.socket !== socket) return;
      this.ready = false;
      this.socket = null;
      if (this.stopped) return;
      const max = this.o.reconnectMaxMs ?? 15_000;
      const base = Math.min(max, (this.o.reconnectMinMs ?? 500) * 2 ** this.attempt++);
      this.timer = setTimeout(() => this.connect(), Math.round(base / 2 + (Math.random() * base) / 2));
    });
  }
}
