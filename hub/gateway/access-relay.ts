import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { WebSocket } from 'ws';
import type { z } from 'zod';
import {
  ACCESS_MAX_CONTROL_BYTES,
  ACCESS_MAX_DATA_BYTES,
  ACCESS_WINDOW_BYTES,
  decodeDataFrame,
  renterAccessMessageSchema,
  workerAccessMessageSchema,
} from '../../common/access/access-protocol';
import type { AccessCloseCode, RenterAccessMessage, WorkerAccessMessage } from '../../common/access/access-protocol';
import { accessRequestStaleness, accessRequestText } from '../../common/access/access-request';
import type { AccessKind, SignedAccessRequest } from '../../common/access/access-request';
import { HUB_CLOSE, HUB_PROTOCOL_VERSION } from '../../common/hub/hub-protocol';
import { HubError } from '../../common/hub/hub-errors';
import type { Logger } from '../../common/logger';
import { verifyWalletSignature } from '../auth/ed25519-signature';
import { hashToken } from '../auth/session-tokens';
import type { SessionTokens } from '../auth/session-tokens';
import type { LeaseService } from '../leases/lease-service';
import type { WorkerRegistry } from '../workers/worker-registry';

export interface AccessRelayLimits {
  /** Open streams of one lease (all its nodes together). */
  maxStreamsPerLease: number;
  /** Open streams of one renter (all its sockets and leases together). */
  maxStreamsPerRenter: number;
  /** A worker that neither accepts nor refuses an open within this is given up on. */
  openTimeoutMs: number;
}

export const DEFAULT_ACCESS_LIMITS: AccessRelayLimits = { maxStreamsPerLease: 32, maxStreamsPerRenter: 64, openTimeoutMs: 20_000 };

export interface AccessRelayDeps {
  logger: Logger;
  sessions: SessionTokens;
  leases: LeaseService;
  workers: WorkerRegistry;
  nowMs: () => number;
  helloTimeoutMs: number;
  limits?: Partial<AccessRelayLimits>;
}

/** One end of the relay: a socket and the stream id used on it. */
interface Peer {
  conn: Conn;
  sid: number;
  /** Bytes this end may still send on the stream (its credit, as granted by the other end). */
  credit: number;
}

interface RelayStream {
  leaseId: string;
  rank: number;
  kind: AccessKind;
  renter: string;
  workerId: string;
  openedAtMs: number;
  opened: boolean;
  openTimer: NodeJS.Timeout | null;
  fromRenter: Peer;
  fromWorker: Peer;
}

interface Conn {
  side: 'renter' | 'worker';
  ws: WebSocket;
  /** The renter's address or the worker id, once hello is done. */
  who: string | null;
  token: string | null;
  streams: Map<number, RelayStream>;
  violations: number;
}

/** What the Lend view shows a supplier about one stream on its machine. */
export interface AccessStreamInfo {
  leaseId: string;
  rank: number;
  kind: AccessKind;
  openedAtMs: number;
}

const MAX_VIOLATIONS = 20;

/**
 * Relays node streams between renters' apps and suppliers' apps over their access
 * sockets (`/v1/access/renter`, `/v1/access/worker`). A stream is opened by the renter
 * with a request its wallet signed for one lease and node; the hub checks the session, the
 * signature, that the lease is the renter's and running and that the node exists, counts
 * it against the lease's and the renter's limits, and hands it to that node's machine,
 * which checks again before touching Docker. Bytes pass through with their credit, so the
 * hub never holds more than one window per stream and direction; a sender past its
 * credit loses the stream. Every stream of a lease closes when the lease ends.
 */
export class AccessRelay {
  private readonly renterWss = new WebSocketServer({ noServer: true, maxPayload: ACCESS_MAX_DATA_BYTES + 64, perMessageDeflate: false });
  private readonly workerWss = new WebSocketServer({ noServer: true, maxPayload: ACCESS_MAX_DATA_BYTES + 64, perMessageDeflate: false });
  private readonly workerConns = new Map<string, Conn>();
  private readonly byLease = new Map<string, Set<RelayStream>>();
  private readonly byRenter = new Map<string, Set<RelayStream>>();
  private readonly limits: AccessRelayLimits;
  private nextWorkerSid = 1;

  constructor(private readonly o: AccessRelayDeps) {
    this.limits = { ...DEFAULT_ACCESS_LIMITS, ...o.limits };
  }

  /** Open streams, for tests and the explorer. */
  get openStreams(): number {
    let n = 0;
    for (const set of this.byLease.values()) n += set.size;
    return n;
  }

  streamsOfLease(leaseId: string): AccessStreamInfo[] {
    return [...(this.byLease.get(leaseId) ?? [])].map((s) => ({ leaseId: s.leaseId, rank: s.rank, kind: s.kind, openedAtMs: s.openedAtMs }));
  }

  /** Closes every stream of a lease that ended (both ends are told why). */
  leaseEnded(leaseId: string, why: string): void {
    for (const stream of [...(this.byLease.get(leaseId) ?? [])]) this.closeStream(stream, 'conflict', `The lease ended (${why}); its streams are closed.`, 'both');
  }

  handleRenterUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.renterWss.handleUpgrade(request, socket, head, (ws) => this.accept(ws, 'renter'));
  }

  handleWorkerUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.workerWss.handleUpgrade(request, socket, head, (ws) => this.accept(ws, 'worker'));
  }

  closeAll(code: number, reason: string): void {
    for (const ws of [...this.renterWss.clients, ...this.workerWss.clients]) ws.close(code, reason);
  }

  private accept(ws: WebSocket, side: 'renter' | 'worker'): void {
    const conn: Conn = { side, ws, who: null, token: null, streams: new Map(), violations: 0 };
    const helloTimer = setTimeout(() => ws.close(HUB_CLOSE.helloTimeout, 'no hello in time'), this.o.helloTimeoutMs);
    // Control frames of one socket are handled in order (an open awaits the session store).
    let chain: Promise<void> = Promise.resolve();
    ws.on('message', (data, isBinary) => {
      const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
      chain = chain
        .then(() => (isBinary ? this.onData(conn, bytes) : this.onControl(conn, bytes, () => clearTimeout(helloTimer))))
        .catch((error: unknown) => {
          if (error instanceof HubError) this.refuse(conn, error);
          else {
            this.o.logger.error({ err: error, side }, 'an access frame failed');
            this.refuse(conn, new HubError('internal', 'The hub failed to handle this frame.', 'handler_failed'));
          }
        });
    });
    const stopWatching = this.o.sessions.onRevoked((revoked) => {
      if (conn.token && revoked === hashToken(conn.token)) ws.close(HUB_CLOSE.unauthenticated, 'signed out');
    });
    ws.on('error', () => undefined);
    ws.on('close', () => {
      clearTimeout(helloTimer);
      stopWatching();
      const gone = side === 'renter' ? 'The renter app disconnected.' : "The supplier's machine disconnected from the hub.";
      for (const stream of [...conn.streams.values()]) this.closeStream(stream, 'unavailable', gone, side === 'renter' ? 'worker' : 'renter');
      if (side === 'worker' && conn.who && this.workerConns.get(conn.who) === conn) this.workerConns.delete(conn.who);
    });
  }

  private send(conn: Conn, message: object): void {
    if (conn.ws.readyState === conn.ws.OPEN) conn.ws.send(JSON.stringify(message));
  }

  private refuse(conn: Conn, error: HubError, violation = true): void {
    this.send(conn, { type: 'error', ...error.toShape() });
    if (violation && ++conn.violations > MAX_VIOLATIONS) conn.ws.close(HUB_CLOSE.abusive, 'too many rejected frames');
  }

  private parse<M>(conn: Conn, bytes: Buffer, schema: z.ZodType<M>): M | null {
    if (bytes.length > ACCESS_MAX_CONTROL_BYTES) {
      this.refuse(conn, new HubError('too_large', `A control frame may be at most ${ACCESS_MAX_CONTROL_BYTES} bytes.`, 'message_too_large'));
      return null;
    }
    let json: unknown;
    try {
      json = JSON.parse(bytes.toString('utf8'));
    } catch {
      this.refuse(conn, new HubError('invalid_message', 'That control frame is not valid JSON.', 'message_not_json'));
      return null;
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue && issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
      this.refuse(conn, new HubError('invalid_message', `Invalid access frame${where}: ${issue?.message ?? 'does not match the protocol'}.`, 'message_invalid'));
      return null;
    }
    return parsed.data;
  }

  private async onControl(conn: Conn, bytes: Buffer, helloDone: () => void): Promise<void> {
    if (conn.side === 'renter') {
      const message = this.parse<RenterAccessMessage>(conn, bytes, renterAccessMessageSchema);
      if (!message) return;
      if (message.type === 'hello') return this.renterHello(conn, message, helloDone);
      if (!conn.who) throw new HubError('unauthenticated', `Say hello with a session token before ${message.type}.`, 'hello_missing');
      if (message.type === 'open') return this.open(conn, message.sid, message.signed);
      const stream = conn.streams.get(message.sid);
      if (!stream) return; // a frame for a stream that just closed: nothing to do
      if (message.type === 'resize') return this.send(stream.fromWorker.conn, { type: 'resize', sid: stream.fromWorker.sid, cols: message.cols, rows: message.rows });
      return this.streamFrame(stream, 'renter', message);
    }
    const message = this.parse<WorkerAccessMessage>(conn, bytes, workerAccessMessageSchema);
    if (!message) return;
    if (message.type === 'hello') return this.workerHello(conn, message, helloDone);
    if (!conn.who) throw new HubError('unauthenticated', `Say hello with a session token before ${message.type}.`, 'hello_missing');
    const stream = conn.streams.get(message.sid);
    if (!stream) return;
    if (message.type === 'opened') {
      if (stream.opened) return;
      stream.opened = true;
      if (stream.openTimer) clearTimeout(stream.openTimer);
      stream.openTimer = null;
      return this.send(stream.fromRenter.conn, { type: 'opened', sid: stream.fromRenter.sid });
    }
    return this.streamFrame(stream, 'worker', message);
  }

  private async renterHello(conn: Conn, message: Extract<RenterAccessMessage, { type: 'hello' }>, helloDone: () => void): Promise<void> {
    if (conn.who) throw new HubError('out_of_order', 'This socket already said hello.', 'hello_repeated');
    if (message.protocolVersion !== HUB_PROTOCOL_VERSION) {
      this.refuse(conn, new HubError('version_mismatch', `This hub speaks protocol ${HUB_PROTOCOL_VERSION}; update Idlegrid.`, 'protocol_version_mismatch'));
      conn.ws.close(HUB_CLOSE.versionMismatch, 'protocol version mismatch');
      return;
    }
    const holder = await this.o.sessions.resolve(message.token);
    if (!holder || holder.audience !== 'renter') {
      this.refuse(conn, new HubError('unauthenticated', holder ? 'This session was made for a worker, not for renting.' : 'The session token is unknown or expired. Sign in again.', holder ? 'session_wrong_audience' : 'session_token_invalid'));
      conn.ws.close(HUB_CLOSE.unauthenticated, 'sign in again');
      return;
    }
    conn.who = holder.address;
    conn.token = message.token;
    helloDone();
    this.send(conn, { type: 'welcome', address: holder.address, windowBytes: ACCESS_WINDOW_BYTES, maxDataBytes: ACCESS_MAX_DATA_BYTES });
  }

  private async workerHello(conn: Conn, message: Extract<WorkerAccessMessage, { type: 'hello' }>, helloDone: () => void): Promise<void> {
    if (conn.who) throw new HubError('out_of_order', 'This socket already said hello.', 'hello_repeated');
    if (message.protocolVersion !== HUB_PROTOCOL_VERSION) {
      this.refuse(conn, new HubError('version_mismatch', `This hub speaks protocol ${HUB_PROTOCOL_VERSION}; update Idlegrid.`, 'protocol_version_mismatch'));
      conn.ws.close(HUB_CLOSE.versionMismatch, 'protocol version mismatch');
      return;
    }
    const holder = await this.o.sessions.resolve(message.token);
    const worker = this.o.workers.get(message.workerId);
    if (!holder || holder.audience !== 'worker' || !worker || worker.owner !== holder.address) {
      const why = !holder || holder.audience !== 'worker' ? 'The worker session token is unknown or expired. Sign in again.' : `Worker ${message.workerId} is not a machine of this wallet.`;
      this.refuse(conn, new HubError('unauthenticated', why, holder ? 'worker_not_yours' : 'session_token_invalid'));
      conn.ws.close(HUB_CLOSE.unauthenticated, 'sign in again');
      return;
    }
    conn.who = worker.workerId;
    conn.token = message.token;
    helloDone();
    const previous = this.workerConns.get(worker.workerId);
    this.workerConns.set(worker.workerId, conn);
    if (previous && previous !== conn) previous.ws.close(HUB_CLOSE.replaced, 'replaced by a newer access socket');
    this.send(conn, { type: 'welcome', workerId: worker.workerId, windowBytes: ACCESS_WINDOW_BYTES, maxDataBytes: ACCESS_MAX_DATA_BYTES });
  }

  /** Refuses an open on the renter's socket: the stream id is answered with a close that says why. */
  private refuseOpen(conn: Conn, sid: number, error: HubError): void {
    this.send(conn, { type: 'close', sid, code: error.code, reason: error.message });
    this.o.logger.info({ renter: conn.who, sid, code: error.code, reason: error.reason }, 'access stream refused');
  }

  private async open(conn: Conn, sid: number, signed: SignedAccessRequest): Promise<void> {
    const renter = conn.who!;
    const { request } = signed;
    try {
      if (conn.streams.has(sid)) throw new HubError('invalid_message', `Stream ${sid} is already open on this socket; use a new id.`, 'stream_id_in_use');
      const holder = conn.token ? await this.o.sessions.resolve(conn.token) : null;
      if (!holder) {
        this.refuseOpen(conn, sid, new HubError('unauthenticated', 'Your session with the hub expired; sign in again.', 'session_expired'));
        conn.ws.close(HUB_CLOSE.unauthenticated, 'session expired');
        return;
      }
      if (request.renter !== renter) throw new HubError('forbidden', 'The request names another wallet than the one signed in on this socket.', 'access_wrong_renter');
      const stale = accessRequestStaleness(request, this.o.nowMs());
      if (stale) throw new HubError('forbidden', `Refused: ${stale}.`, 'access_request_stale');
      if (!verifyWalletSignature(renter, new TextEncoder().encode(accessRequestText(request)), signed.signature)) {
        throw new HubError('bad_signature', 'The access request is not signed by your wallet.', 'access_bad_signature');
      }
      const live = this.o.leases.get(request.leaseId);
      if (!live || live.renter !== renter) {
        // Ended leases are no longer live; tell the renter so only about its own.
        const own = live ? null : await this.o.leases.view(renter, request.leaseId).catch(() => null);
        if (own) throw new HubError('conflict', `Lease ${request.leaseId} has ended (${own.endReason ?? 'ended'}); its nodes are gone.`, 'lease_ended');
        throw new HubError('not_found', `You have no lease ${request.leaseId}.`, 'lease_not_found');
      }
      if (live.state !== 'running') throw new HubError('conflict', `Lease ${request.leaseId} is ${live.state}; nodes can be reached once it runs.`, 'lease_not_running');
      const node = live.placement.nodes.find((n) => n.rank === request.rank);
      if (!node) throw new HubError('not_found', `Lease ${request.leaseId} has no node ${request.rank} (it has ${live.placement.nodes.length}).`, 'node_not_found');
      if ((this.byLease.get(request.leaseId)?.size ?? 0) >= this.limits.maxStreamsPerLease) {
        throw new HubError('rate_limited', `A lease may have at most ${this.limits.maxStreamsPerLease} open streams; close some first.`, 'too_many_streams_lease');
      }
      if ((this.byRenter.get(renter)?.size ?? 0) >= this.limits.maxStreamsPerRenter) {
        throw new HubError('rate_limited', `You may have at most ${this.limits.maxStreamsPerRenter} open streams; close some first.`, 'too_many_streams_renter');
      }
      const workerConn = this.workerConns.get(node.workerId);
      if (!workerConn || workerConn.ws.readyState !== workerConn.ws.OPEN) {
        throw new HubError('unavailable', `Node ${request.rank}'s machine is not connected for access right now; try again in a moment.`, 'node_unreachable');
      }
      const workerSid = this.allocateWorkerSid(workerConn);
      const stream: RelayStream = {
        leaseId: request.leaseId,
        rank: request.rank,
        kind: request.kind,
        renter,
        workerId: node.workerId,
        openedAtMs: this.o.nowMs(),
        opened: false,
        openTimer: null,
        fromRenter: { conn, sid, credit: ACCESS_WINDOW_BYTES },
        fromWorker: { conn: workerConn, sid: workerSid, credit: ACCESS_WINDOW_BYTES },
      };
      stream.openTimer = setTimeout(() => this.closeStream(stream, 'unavailable', `Node ${request.rank}'s machine did not answer the open in time.`, 'both'), this.limits.openTimeoutMs);
      conn.streams.set(sid, stream);
      workerConn.streams.set(workerSid, stream);
      addTo(this.byLease, stream.leaseId, stream);
      addTo(this.byRenter, renter, stream);
      this.send(workerConn, { type: 'open', sid: workerSid, signed });
    } catch (error) {
      if (error instanceof HubError) return this.refuseOpen(conn, sid, error);
      throw error;
    }
  }

  private allocateWorkerSid(conn: Conn): number {
    for (let i = 0; i < 1_000; i++) {
      const candidate = this.nextWorkerSid;
      this.nextWorkerSid = this.nextWorkerSid >= 0xffff_fff0 ? 1 : this.nextWorkerSid + 1;
      if (!conn.streams.has(candidate)) return candidate;
    }
    throw new HubError('unavailable', 'This machine has too many streams open.', 'stream_ids_exhausted');
  }

  /** A credit, end or close frame from one end, passed to the other. */
  private streamFrame(stream: RelayStream, from: 'renter' | 'worker', frame: Extract<RenterAccessMessage, { type: 'credit' | 'end' | 'close' }>): void {
    const other = from === 'renter' ? stream.fromWorker : stream.fromRenter;
    if (frame.type === 'credit') {
      // Credit granted by this end lets the other end send more.
      other.credit = Math.min(ACCESS_WINDOW_BYTES, other.credit + frame.bytes);
      return this.send(other.conn, { type: 'credit', sid: other.sid, bytes: frame.bytes });
    }
    if (frame.type === 'end') return this.send(other.conn, { type: 'end', sid: other.sid });
    this.closeStream(stream, frame.code, frame.reason, from === 'renter' ? 'worker' : 'renter', frame.exitCode);
  }

  private onData(conn: Conn, bytes: Buffer): void {
    const frame = decodeDataFrame(bytes);
    if (!frame) return this.refuse(conn, new HubError('invalid_message', 'A data frame is a 4-byte stream id and at least one byte.', 'data_frame_invalid'));
    const stream = conn.streams.get(frame.sid);
    if (!stream) return; // raced with a close
    const sender = conn.side === 'renter' ? stream.fromRenter : stream.fromWorker;
    const other = conn.side === 'renter' ? stream.fromWorker : stream.fromRenter;
    if (!stream.opened) return this.closeStream(stream, 'out_of_order', 'Data was sent before the stream was opened.', 'both');
    if (frame.payload.length > ACCESS_MAX_DATA_BYTES || frame.payload.length > sender.credit) {
      return this.closeStream(stream, 'rate_limited', `The ${conn.side} sent past its credit (${sender.credit} bytes left, ${frame.payload.length} sent); the stream was closed.`, 'both');
    }
    sender.credit -= frame.payload.length;
    // Relayed as received, only the stream id rewritten for the other socket: no copy.
    bytes.writeUInt32BE(other.sid, 0);
    if (other.conn.ws.readyState === other.conn.ws.OPEN) other.conn.ws.send(bytes, { binary: true });
  }

  /** Removes a stream and tells `tell` (the end that did not close it, or both) why. */
  private closeStream(stream: RelayStream, code: AccessCloseCode, reason: string, tell: 'renter' | 'worker' | 'both', exitCode?: number): void {
    if (stream.fromRenter.conn.streams.get(stream.fromRenter.sid) !== stream) return;
    if (stream.openTimer) clearTimeout(stream.openTimer);
    stream.fromRenter.conn.streams.delete(stream.fromRenter.sid);
    stream.fromWorker.conn.streams.delete(stream.fromWorker.sid);
    removeFrom(this.byLease, stream.leaseId, stream);
    removeFrom(this.byRenter, stream.renter, stream);
    const frame = { type: 'close', code, reason: reason.slice(0, 512), ...(exitCode !== undefined ? { exitCode } : {}) };
    if (tell !== 'worker') this.send(stream.fromRenter.conn, { ...frame, sid: stream.fromRenter.sid });
    if (tell !== 'renter') this.send(stream.fromWorker.conn, { ...frame, sid: stream.fromWorker.sid });
  }
}

function addTo<K, V>(map: Map<K, Set<V>>, key: K, value: V): void {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  set.add(value);
}

function removeFrom<K, V>(map: Map<K, Set<V>>, key: K, value: V): void {
  const set = map.get(key);
  if (!set) return;
  set.delete(value);
  if (set.size === 0) map.delete(key);
}
