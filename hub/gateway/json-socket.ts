import type { WebSocket } from 'ws';
import type { z } from 'zod';
import { Sequencer } from '../../common/async';
import { HUB_CLOSE } from '../../common/hub/hub-protocol';
import { HubError } from '../../common/hub/hub-errors';
import type { Logger } from '../../common/logger';
import type { RateLimiter } from './rate-limiter';

export interface JsonSocketDeps<M extends { type: string }> {
  socket: WebSocket;
  logger: Logger;
  schema: z.ZodType<M>;
  /** Messages above this are answered with `too_large` and dropped (the socket's hard cap closes with 1009). */
  maxMessageBytes: number;
  /** Which bucket a message is charged to: the worker or signed-in address after hello, the remote address before. */
  rate(): { limiter: RateLimiter; key: string };
  /** Before hello a limited message closes the socket (the client retries with backoff) instead of waiting out the hello timeout. */
  closeWhenLimited?: () => boolean;
  /** Handles one valid message; messages of one socket are handled one at a time, in order. */
  onMessage(message: M): Promise<void>;
  /** Protocol violations tolerated on one socket before it is closed as abusive. */
  maxViolations?: number;
  /** Messages waiting to be handled before the socket is closed as abusive. */
  maxQueued?: number;
}

/**
 * One JSON-over-WebSocket session: every inbound frame is size-checked, rate-limited,
 * parsed and validated against the protocol's zod schema before anything else sees it,
 * and every refusal is answered with `{type: 'error', code, message}` so the client learns
 * why. A bad message costs the sender only that message; a socket that keeps misbehaving
 * is closed, and nothing it does touches other sockets.
 */
export class JsonSocket<M extends { type: string }> {
  /** Messages are handled one at a time, in the order they came. */
  private readonly inbox = new Sequencer();
  private violations = 0;
  private readonly maxViolations: number;
  private readonly maxQueued: number;

  constructor(private readonly o: JsonSocketDeps<M>) {
    this.maxViolations = o.maxViolations ?? 50;
    this.maxQueued = o.maxQueued ?? 256;
    o.socket.on('message', (data, isBinary) => this.receive(data as Buffer | Buffer[] | ArrayBuffer, isBinary));
  }

  get open(): boolean {
    return this.o.socket.readyState === this.o.socket.OPEN;
  }

  get bufferedBytes(): number {
    return this.o.socket.bufferedAmount;
  }

  send(message: object): void {
    if (this.open) this.o.socket.send(JSON.stringify(message));
  }

  close(code: number, reason: string): void {
    if (this.o.socket.readyState === this.o.socket.OPEN || this.o.socket.readyState === this.o.socket.CONNECTING) this.o.socket.close(code, reason);
  }

  /** Answers with an error; counts it against the socket when it was the client's fault. */
  reject(error: HubError, context: { inReplyTo?: string; ref?: string } = {}, violation = true): void {
    this.send({ type: 'error', ...context, ...error.toShape() });
    if (violation && ++this.violations > this.maxViolations) {
      this.close(HUB_CLOSE.abusive, 'too many rejected messages');
    }
  }

  private receive(data: Buffer | Buffer[] | ArrayBuffer, isBinary: boolean): void {
    const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
    if (isBinary) return this.reject(new HubError('invalid_message', 'Messages are JSON text frames, not binary.', 'binary_frame'));
    if (bytes.length > this.o.maxMessageBytes) {
      return this.reject(new HubError('too_large', `A message may be at most ${this.o.maxMessageBytes} bytes; this one was ${bytes.length}. Split log output into smaller chunks.`, 'message_too_large'));
    }
    const { limiter, key } = this.o.rate();
    if (!limiter.take(key)) {
      if (this.o.closeWhenLimited?.()) {
        this.reject(new HubError('rate_limited', 'Too many connections from your address right now; reconnect in a few seconds.', 'too_many_connections'), {}, false);
        this.close(HUB_CLOSE.abusive, 'too many connections from this address; retry later');
        return;
      }
      return this.reject(new HubError('rate_limited', 'Too many messages; this one was dropped. Slow down (heartbeats every few seconds, logs batched).', 'too_many_messages'));
    }
    let json: unknown;
    try {
      json = JSON.parse(bytes.toString('utf8'));
    } catch {
      return this.reject(new HubError('invalid_message', 'That message is not valid JSON.', 'message_not_json'));
    }
    const parsed = this.o.schema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue && issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
      const type = typeof (json as { type?: unknown })?.type === 'string' ? (json as { type: string }).type : undefined;
      return this.reject(new HubError('invalid_message', `Invalid ${type ?? 'message'}${where}: ${issue?.message ?? 'does not match the protocol'}.`, 'message_invalid'), type ? { inReplyTo: type } : {});
    }
    if (this.inbox.size >= this.maxQueued) {
      this.close(HUB_CLOSE.abusive, 'too many messages waiting');
      return;
    }
    const message = parsed.data;
    void this.inbox
      .queue(() => this.o.onMessage(message))
      .catch((error: unknown) => {
        const ref = (message as { ref?: unknown }).ref;
        const context = { inReplyTo: message.type, ...(typeof ref === 'string' ? { ref } : {}) };
        if (error instanceof HubError) this.reject(error, context, isClientFault(error));
        else {
          this.o.logger.error({ err: error, messageType: message.type }, 'handling a socket message failed');
          this.reject(new HubError('internal', 'The hub failed to handle this message; it was not applied. Try again.', 'handler_failed'), context, false);
        }
      });
  }
}

function isClientFault(error: HubError): boolean {
  return error.code !== 'internal' && error.code !== 'unavailable' && error.code !== 'no_capacity';
}
