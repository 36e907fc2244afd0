import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { HUB_CLOSE, HUB_PROTOCOL_VERSION, MAX_RENTER_MESSAGE_BYTES } from '../../common/hub/hub-protocol';
import { HubError } from '../../common/hub/hub-errors';
import { renterMessageSchema } from '../../common/hub/renter-messages';
import type { LeaseEvent, RenterMessage } from '../../common/hub/renter-messages';
import { hashToken } from '../auth/session-tokens';
import type { SessionTokens } from '../auth/session-tokens';
import type { LeaseService } from '../leases/lease-service';
import { JsonSocket } from './json-socket';
import type { RateLimiter } from './rate-limiter';
import { remoteHostOf } from './remote-host';
import type { Logger } from '../../common/logger';
import type { MeshMatrix } from '../../common/mesh';

export interface RenterGatewayDeps {
  logger: Logger;
  sessions: SessionTokens;
  leases: LeaseService;
  limiter: RateLimiter;
  helloTimeoutMs: number;
  maxSubscriptionsPerSocket?: number;
  /** The lease's mesh matrix so far, sent after subscribing (a renter that looks late still sees it). */
  meshOf?: (leaseId: string) => MeshMatrix | null;
}

/** Log chunks are dropped for a renter whose socket has this much unsent (a slow reader). */
const SLOW_READER_BYTES = 1024 * 1024;

/**
 * The renter WebSocket (`/v1/renter`): after hello, a renter subscribes to its own leases
 * and receives their state changes, node states, payments and logs as they happen. A
 * subscription starts with the whole lease and its last log lines, so a renter that
 * (re)connects late misses nothing that matters.
 */
export class RenterGateway {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: MAX_RENTER_MESSAGE_BYTES * 4, perMessageDeflate: false });
  private readonly subscribers = new Map<string, Set<JsonSocket<RenterMessage>>>();

  constructor(private readonly o: RenterGatewayDeps) {}

  get connections(): number {
    return this.wss.clients.size;
  }

  publish(leaseId: string, event: LeaseEvent): void {
    const sockets = this.subscribers.get(leaseId);
    if (!sockets) return;
    for (const socket of sockets) {
      if (event.type === 'lease.log' && socket.bufferedBytes > SLOW_READER_BYTES) continue;
      socket.send(event);
    }
  }

  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.wss.handleUpgrade(request, socket, head, (ws) => {
      const remoteHost = remoteHostOf(request);
      let address: string | null = null;
      let tokenHash: string | null = null;
      const mine = new Set<string>();
      const helloTimer = setTimeout(() => ws.close(HUB_CLOSE.helloTimeout, 'no hello in time'), this.o.helloTimeoutMs);
      const session: JsonSocket<RenterMessage> = new JsonSocket<RenterMessage>({
        socket: ws,
        logger: this.o.logger,
        schema: renterMessageSchema,
        maxMessageBytes: MAX_RENTER_MESSAGE_BYTES,
        rate: () => ({ limiter: this.o.limiter, key: address ? `renter:${address}` : `ip:${remoteHost}` }),
        onMessage: async (message) => {
          if (message.type === 'hello') {
            if (address) throw new HubError('out_of_order', 'This socket already said hello.', 'hello_repeated');
            if (message.protocolVersion !== HUB_PROTOCOL_VERSION) {
              session.reject(new HubError('version_mismatch', `This hub speaks protocol ${HUB_PROTOCOL_VERSION}; update Idlegrid.`, 'protocol_version_mismatch'), { inReplyTo: 'hello' });
              session.close(HUB_CLOSE.versionMismatch, 'protocol version mismatch');
              return;
            }
            const who = await this.o.sessions.resolve(message.token);
            if (!who || who.audience !== 'renter') {
              const refusal = who
                ? new HubError('unauthenticated', 'This session was made for a worker, not for renting: sign in again as a renter.', 'session_wrong_audience')
                : new HubError('unauthenticated', 'The session token is unknown or expired. Sign in again.', 'session_token_invalid');
              session.reject(refusal, { inReplyTo: 'hello' });
              session.close(HUB_CLOSE.unauthenticated, 'sign in again');
              return;
            }
            address = who.address;
            tokenHash = hashToken(message.token);
            clearTimeout(helloTimer);
            session.send({ type: 'welcome', protocolVersion: HUB_PROTOCOL_VERSION, address });
            return;
          }
          if (!address) throw new HubError('unauthenticated', `Say hello with a session token before ${message.type}.`, 'hello_missing');
          if (message.type === 'subscribe') {
            if (mine.size >= (this.o.maxSubscriptionsPerSocket ?? 100)) throw new HubError('conflict', 'Too many subscriptions on one socket; unsubscribe from ended leases first.', 'too_many_subscriptions');
            const lease = await this.o.leases.leaseFor(address, message.leaseId);
            mine.add(message.leaseId);
            let set = this.subscribers.get(message.leaseId);
            if (!set) this.subscribers.set(message.leaseId, (set = new Set()));
            set.add(session);
            session.send({ type: 'subscribed', lease });
            for (const chunk of this.o.leases.recentLogs(message.leaseId)) session.send({ type: 'lease.log', leaseId: message.leaseId, ...chunk });
            const mesh = this.o.meshOf?.(message.leaseId) ?? null;
            if (mesh) session.send({ type: 'lease.mesh', leaseId: message.leaseId, mesh, atMs: Date.now() });
            return;
          }
          if (message.type === 'attest.send') {
            await this.o.leases.attestFromRenter(address, message.leaseId, message.rank, message.message);
            return;
          }
          if (message.type === 'attest.outcome') {
            await this.o.leases.attestOutcome(address, message.leaseId, message.rank, message.passed, message.reason, message.message);
            return;
          }
          mine.delete(message.leaseId);
          this.unsubscribe(message.leaseId, session);
          session.send({ type: 'unsubscribed', leaseId: message.leaseId });
        },
      });
      const stopWatching = this.o.sessions.onRevoked((revoked) => {
        if (revoked === tokenHash) session.close(HUB_CLOSE.unauthenticated, 'signed out');
      });
      ws.on('error', () => undefined);
      ws.on('close', () => {
        stopWatching();
        clearTimeout(helloTimer);
        for (const leaseId of mine) this.unsubscribe(leaseId, session);
      });
    });
  }

  private unsubscribe(leaseId: string, session: JsonSocket<RenterMessage>): void {
    const set = this.subscribers.get(leaseId);
    if (!set) return;
    set.delete(session);
    if (set.size === 0) this.subscribers.delete(leaseId);
  }

  closeAll(code: number, reason: string): void {
    for (const ws of this.wss.clients) ws.close(code, reason);
  }
}
