import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { InstanceBus, InstanceEvent, InstanceEventHandler } from './instance-bus';

const CHANNEL = 'idlegrid_hub_instances';
const APPLICATION_PREFIX = 'idlegrid-hub:';
/** NOTIFY payloads must stay under 8,000 bytes: larger events go in base64 parts of this many bytes. */
const PART_BYTES = 5_000;
/** Parts of a large event that never completed (a sender died mid-way) are dropped after this many other events. */
const MAX_OPEN_PARTS = 1_000;

interface Envelope {
  /** Sender instance. */
  f: string;
  /** The event as JSON, when it fits in one notification. */
  e?: InstanceEvent;
  /** A part of a large event: its id, index, count, base64 bytes. */
  p?: { id: string; i: number; n: number; b: string };
}

/**
 * Events between hub instances over PostgreSQL's LISTEN/NOTIFY: no polling, no table. One
 * connection listens (its application_name names the instance, so `liveInstances` sees which
 * instances are alive — the server ends a killed process's session), one sends, so an
 * instance's events keep their order. A notification is delivered only to sessions listening
 * when it is committed: an instance reloads the store after it starts listening, so nothing
 * falls in between.
 */
export class PgInstanceBus implements InstanceBus {
  private handler: InstanceEventHandler | null = null;
  private readonly early: Array<[string, InstanceEvent]> = [];
  private chain: Promise<void> = Promise.resolve();
  private readonly parts = new Map<string, string[]>();
  private closed = false;
  private sendChain: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly instanceId: string,
    private readonly listener: pg.Client,
    private readonly sender: pg.Client,
    private readonly onLost: (error: Error | null) => void,
  ) {}

  /** `onLost`: the bus connection broke; this instance no longer hears the others and must stop serving. */
  static async open(url: string, onLost: (error: Error | null) => void): Promise<PgInstanceBus> {
    const instanceId = randomBytes(6).toString('hex');
    const listener = new pg.Client({ connectionString: url, application_name: `${APPLICATION_PREFIX}${instanceId}`, keepAlive: true, keepAliveInitialDelayMillis: 5_000 });
    const sender = new pg.Client({ connectionString: url, application_name: `idlegrid-hub-send:${instanceId}`, keepAlive: true });
    try {
      await listener.connect();
      await sender.connect();
      await listener.query(`LISTEN ${CHANNEL}`);
    } catch (error) {
      await listener.end().catch(() => undefined);
      await sender.end().catch(() => undefined);
      throw error;
    }
    const bus = new PgInstanceBus(instanceId, listener, sender, onLost);
    listener.on('notification', (n) => bus.received(n.payload ?? ''));
    for (const client of [listener, sender]) {
      client.on('error', (error) => bus.lost(error));
      client.on('end', () => bus.lost(null));
    }
    return bus;
  }

  publish(event: InstanceEvent): void {
    if (this.closed) return;
    const json = JSON.stringify(event);
    const bytes = Buffer.from(json, 'utf8');
    const payloads: string[] = [];
    if (bytes.length <= PART_BYTES) payloads.push(JSON.stringify({ f: this.instanceId, e: event } satisfies Envelope));
    else {
      const id = randomBytes(6).toString('hex');
      const n = Math.ceil(bytes.length / PART_BYTES);
      for (let i = 0; i < n; i++) payloads.push(JSON.stringify({ f: this.instanceId, p: { id, i, n, b: bytes.subarray(i * PART_BYTES, (i + 1) * PART_BYTES).toString('base64') } } satisfies Envelope));
    }
    // One client, queries queued in order: the receivers see this instance's events in order.
    for (const payload of payloads) this.sendChain = this.sendChain.then(() => this.sender.query('SELECT pg_notify($1, $2)', [CHANNEL, payload])).catch(() => undefined);
  }

  subscribe(handler: InstanceEventHandler): void {
    this.handler = handler;
    for (const [from, event] of this.early.splice(0)) this.handle(from, event);
  }

  async liveInstances(): Promise<Set<string>> {
    const asked = this.sendChain.then(() => this.sender.query<{ name: string }>('SELECT application_name AS name FROM pg_stat_activity WHERE application_name LIKE $1', [`${APPLICATION_PREFIX}%`]));
    this.sendChain = asked.catch(() => undefined);
    const { rows } = await asked;
    return new Set(rows.map((r) => r.name.slice(APPLICATION_PREFIX.length)));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.sendChain;
    this.closed = true;
    await this.chain;
    await Promise.all([this.listener.end().catch(() => undefined), this.sender.end().catch(() => undefined)]);
  }

  private lost(error: Error | null): void {
    if (this.closed) return;
    this.closed = true;
    this.onLost(error);
  }

  private received(payload: string): void {
    let envelope: Envelope;
    try {
      envelope = JSON.parse(payload) as Envelope;
    } catch {
      return;
    }
    if (envelope.f === this.instanceId) return;
    if (envelope.e) return this.handle(envelope.f, envelope.e);
    const part = envelope.p;
    if (!part) return;
    let got = this.parts.get(part.id);
    if (!got) {
      if (this.parts.size >= MAX_OPEN_PARTS) this.parts.delete(this.parts.keys().next().value!);
      this.parts.set(part.id, (got = []));
    }
    got[part.i] = part.b;
    if (got.filter((b) => b !== undefined).length < part.n) return;
    this.parts.delete(part.id);
    const json = Buffer.concat(got.map((b) => Buffer.from(b, 'base64'))).toString('utf8');
    this.handle(envelope.f, JSON.parse(json) as InstanceEvent);
  }

  /** One event at a time, in arrival order: a lease reload finishes before a message that depends on it is delivered. */
  private handle(from: string, event: InstanceEvent): void {
    if (!this.handler) {
      this.early.push([from, event]);
      return;
    }
    const handler = this.handler;
    this.chain = this.chain.then(() => handler(from, event)).catch(() => undefined);
  }
}
