import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { HUB_CLOSE, MAX_WORKER_MESSAGE_BYTES } from '../../common/hub/hub-protocol';
import { HubError } from '../../common/hub/hub-errors';
import { workerMessageSchema } from '../../common/hub/worker-messages';
import type { WorkerMessage } from '../../common/hub/worker-messages';
import type { LiveWorker, WorkerLink, WorkerRegistry } from '../workers/worker-registry';
import type { WorkerSessions } from '../workers/worker-sessions';
import { hashToken } from '../auth/session-tokens';
import type { SessionTokens } from '../auth/session-tokens';
import { JsonSocket } from './json-socket';
import type { RateLimiter } from './rate-limiter';
import { remoteHostOf } from './remote-host';
import type { Logger } from '../../common/logger';

export interface WorkerGatewayDeps {
  logger: Logger;
  sessions: WorkerSessions;
  /** To close a worker's socket when its session is revoked. */
  sessionTokens: SessionTokens;
  workers: WorkerRegistry;
  /** Messages per worker once it has said hello. */
  limiter: RateLimiter;
  /** Hellos per remote address: a farm behind one NAT reconnects all at once after a hub restart. */
  connectLimiter: RateLimiter;
  helloTimeoutMs: number;
}

/**
 * The worker WebSocket (`/v1/worker`). Workers dial out to the hub, so a machine behind a
 * home NAT needs no open port. The first message must be `hello`; anything before it is
 * refused as unauthenticated, a second hello as out of order, and a socket that says
 * nothing for `helloTimeoutMs` is closed.
 */
export class WorkerGateway {
  private readonly wss = new WebSocketServer({
    noServer: true,
    // A hard cap well above the protocol limit: frames between the two are answered with
    // `too_large` and the socket stays up; beyond it ws closes the socket with 1009.
    maxPayload: MAX_WORKER_MESSAGE_BYTES * 4,
    perMessageDeflate: false,
  });

  constructor(private readonly o: WorkerGatewayDeps) {}

  get connections(): number {
    return this.wss.clients.size;
  }

  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.wss.handleUpgrade(request, socket, head, (ws) => {
      const remoteHost = remoteHostOf(request);
      let worker: LiveWorker | null = null;
      let helloSeen = false;
      let tokenHash: string | null = null;
      const helloTimer = setTimeout(() => ws.close(HUB_CLOSE.helloTimeout, 'no hello in time'), this.o.helloTimeoutMs);
      const session: JsonSocket<WorkerMessage> = new JsonSocket<WorkerMessage>({
        socket: ws,
        logger: this.o.logger,
        schema: workerMessageSchema,
        maxMessageBytes: MAX_WORKER_MESSAGE_BYTES,
        rate: () => (worker ? { limiter: this.o.limiter, key: `worker:${worker.workerId}` } : { limiter: this.o.connectLimiter, key: `ip:${remoteHost}` }),
        closeWhenLimited: () => worker === null,
        onMessage: async (message) => {
          if (message.type === 'hello') {
            if (helloSeen) throw new HubError('out_of_order', 'This socket already said hello; send it once per connection.', 'hello_repeated');
            helloSeen = true;
            try {
              worker = await this.o.sessions.hello(message, link);
              tokenHash = hashToken(message.token);
              clearTimeout(helloTimer);
            } catch (error) {
              helloSeen = false;
              if (error instanceof HubError && (error.code === 'unauthenticated' || error.code === 'version_mismatch')) {
                session.reject(error, { inReplyTo: 'hello' });
                session.close(error.code === 'unauthenticated' ? HUB_CLOSE.unauthenticated : HUB_CLOSE.versionMismatch, error.message.slice(0, 120));
                return;
              }
              throw error;
            }
            return;
          }
          if (!worker) throw new HubError('unauthenticated', `Say hello with a session token before ${message.type}.`, 'hello_missing');
          await this.o.sessions.handle(worker, message);
        },
      });
      const link: WorkerLink = {
        remoteHost,
        send: (message) => session.send(message),
        close: (code, reason) => session.close(code, reason),
      };
      const stopWatching = this.o.sessionTokens.onRevoked((revoked) => {
        if (revoked === tokenHash) session.close(HUB_CLOSE.unauthenticated, 'signed out');
      });
      ws.on('error', () => undefined); // a reset socket also emits close, handled below
      ws.on('close', () => {
        stopWatching();
        clearTimeout(helloTimer);
        if (worker) this.o.workers.disconnect(worker.workerId, link, 'the socket closed');
      });
    });
  }

  closeAll(code: number, reason: string): void {
    for (const ws of this.wss.clients) ws.close(code, reason);
  }

  /** Drops every socket at once, as a crash would (for shutdown without goodbyes). */
  terminateAll(): void {
    for (const ws of this.wss.clients) ws.terminate();
  }
}
