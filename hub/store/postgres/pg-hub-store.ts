import pg from 'pg';
import type { NodeState } from '../../../common/hub/lease-types';
import type {
  CreditResult,
  ExpectedPayment,
  GpuBinding,
  LeaseEvidence,
  NewLeaseEvidence,
  HubStore,
  LeaseStateChange,
  NewLease,
  PaymentCredit,
  PaymentRecord,
  PresenceEntry,
  RenterFacts,
  StoredLease,
  StoredOffer,
  StoredExplorerPoint,
  StoredSession,
  StoredWorker,
  WorkerFacts,
  WorkerUpsert,
} from '../hub-store';
import { GpuHeldError } from '../hub-store';
import { leaseFromRows, workerFactsFromRow, workerFromRow } from '../sqlite-rows';
import type { LeaseRow, NodeRow, OfferRow, PaymentRow, RecentPaymentRow, TransitionRow, WorkerFactsRow, WorkerRow } from '../sqlite-rows';
import { PG_HUB_MIGRATIONS } from './migrations';
import { EXPLORER_POINT_COLUMNS, explorerPointFromRow, explorerPointValues } from '../explorer-point-rows';
import type { ExplorerPointRow } from '../explorer-point-rows';
import { migratePg } from './pg-migration';

const INT8_OID = 20;
/** Times and counts are bigint columns; every one of them is a safe integer of ms, so they come back as numbers. Amounts (numeric) stay strings and become bigints. */
const types: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: string) => (oid === INT8_OID ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format as 'text'))) as pg.CustomTypesConfig['getTypeParser'],
};

const UNIQUE_VIOLATION = '23505';

/** A connection error (the server went away), not a refusal by the server: the connection cannot be reused. */
function connectionLost(error: unknown): boolean {
  if (!(error instanceof pg.DatabaseError)) return true;
  return error.code?.startsWith('08') === true || error.code?.startsWith('57P') === true;
}

function quoteIdent(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`A schema name is lower-case letters, digits and _; got "${name}".`);
  return `"${name}"`;
}

export interface PgHubStoreOptions {
  /** postgres://user@host:port/db, or postgres://user@/db?host=/socket/dir */
  url: string;
  /** Connections per pool (two pools: money and presence). Default 10. */
  poolSize?: number;
  /** Keep the hub's tables in this schema (created if missing) instead of the user's default. */
  schema?: string;
}

/**
 * The hub's store on PostgreSQL, for several hub instances behind one database. Rows and
 * rules are hub.db's (the same conformance suite holds both), with PostgreSQL doing what
 * SQLite's single writer did for free:
 * - Money and lease writes go through a pool with `synchronous_commit = on` (the default):
 *   COMMIT returns only when the WAL is flushed, so a credit the hub acknowledges survives
 *   a crash of the database. Heartbeat-rate writes (presence, sessions, offers, workers)
 *   use a second pool with `synchronous_commit = off`, like hub.db's NORMAL: a moment of
 *   them lost to a crash is re-sent by the workers, and they must not wait for an fsync.
 * - Races between instances are settled by keys and row locks, at READ COMMITTED: a unique
 *   signature, a unique (worker, GPU) hold, a compare-and-set UPDATE on the lease's state.
 */
export class PgHubStore implements HubStore {
  private readonly money: pg.Pool;
  private readonly light: pg.Pool;
  private closed = false;

  private constructor(options: PgHubStoreOptions) {
    const max = options.poolSize ?? 10;
    const path = options.schema ? ` -c search_path=${quoteIdent(options.schema)}` : '';
    this.money = new pg.Pool({ connectionString: options.url, max, types, options: `-c synchronous_commit=on${path}` });
    this.light = new pg.Pool({ connectionString: options.url, max, types, options: `-c synchronous_commit=off${path}` });
    for (const pool of [this.money, this.light]) {
      // A connection the server drops (a restart, a failover) is an error of the queries on
      // it and of the pool, never an unhandled 'error' event that ends the hub: idle ones
      // are reported on the pool, checked-out ones on the client between two queries.
      pool.on('error', () => undefined);
      pool.on('connect', (client) => client.on('error', () => undefined));
    }
  }

  /** Connects and brings the schema up to date (one instance at a time: an advisory lock). */
  static async open(options: PgHubStoreOptions): Promise<PgHubStore> {
    const store = new PgHubStore(options);
    try {
      const client = await store.money.connect();
      try {
        if (options.schema) await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(options.schema)}`);
        await migratePg(client, PG_HUB_MIGRATIONS);
      } finally {
        client.release();
      }
    } catch (error) {
      await store.close();
      throw error;
    }
    return store;
  }

  /** For tests and tools: runs one query on the money pool. */
  query<R extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<pg.QueryResult<R>> {
    return this.money.query<R>(text, values);
  }

  private async tx<T>(pool: pg.Pool, work: (c: pg.PoolClient) => Promise<T>, begin = 'BEGIN'): Promise<T> {
    const client = await pool.connect();
    let broken = false;
    try {
      await client.query(begin);
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      broken = connectionLost(error);
      if (!broken) await client.query('ROLLBACK').catch(() => (broken = true));
      throw error;
    } finally {
      client.release(broken);
    }
  }

  async saveSession(s: StoredSession): Promise<void> {
    await this.light.query(
      `INSERT INTO sessions (token_hash, address, created_at_ms, expires_at_ms, audience) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (token_hash) DO UPDATE SET address = excluded.address, created_at_ms = excluded.created_at_ms, expires_at_ms = excluded.expires_at_ms, audience = excluded.audience`,
      [s.tokenHash, s.address, s.createdAtMs, s.expiresAtMs, s.audience],
    );
  }

  async deleteSession(tokenHash: string): Promise<boolean> {
    // Sign-out must not come back after a crash: the durable pool.
    return ((await this.money.query('DELETE FROM sessions WHERE token_hash = $1', [tokenHash])).rowCount ?? 0) > 0;
  }

  async findSession(tokenHash: string): Promise<StoredSession | null> {
    const { rows } = await this.money.query('SELECT token_hash, address, created_at_ms, expires_at_ms, audience FROM sessions WHERE token_hash = $1', [tokenHash]);
    const row = rows[0];
    return row ? { tokenHash: row.token_hash, address: row.address, audience: row.audience, createdAtMs: row.created_at_ms, expiresAtMs: row.expires_at_ms } : null;
  }

  async deleteExpiredSessions(nowMs: number): Promise<number> {
    return (await this.light.query('DELETE FROM sessions WHERE expires_at_ms <= $1', [nowMs])).rowCount ?? 0;
  }

  async bindGpus(owner: string, machineId: string, gpuUuids: readonly string[], atMs: number): Promise<GpuBinding[]> {
    // A binding decides who may lease a GPU out: durable before the hub acts on it. The
    // primary key makes the first binding win, also between instances.
    return this.tx(this.money, async (c) => {
      const bindings: GpuBinding[] = [];
      for (const uuid of gpuUuids) {
        await c.query('INSERT INTO gpu_bindings (gpu_uuid, owner, machine_id, bound_at_ms) VALUES ($1, $2, $3, $4) ON CONFLICT (gpu_uuid) DO NOTHING', [uuid, owner, machineId, atMs]);
        const { rows } = await c.query('SELECT gpu_uuid, owner, machine_id, bound_at_ms FROM gpu_bindings WHERE gpu_uuid = $1', [uuid]);
        const row = rows[0];
        bindings.push({ gpuUuid: row.gpu_uuid, owner: row.owner, machineId: row.machine_id, boundAtMs: Number(row.bound_at_ms) });
      }
      return bindings;
    });
  }

  async moveGpuBinding(binding: GpuBinding): Promise<void> {
    await this.money.query('UPDATE gpu_bindings SET owner = $1, machine_id = $2, bound_at_ms = $3 WHERE gpu_uuid = $4', [binding.owner, binding.machineId, binding.boundAtMs, binding.gpuUuid]);
  }

  async upsertWorker(input: WorkerUpsert): Promise<StoredWorker> {
    // One statement (one round trip, atomic): every hello runs it, thousands at once when
    // workers move to an instance that took over.
    const { rows } = await this.light.query<WorkerRow>(
      `WITH w AS (
         INSERT INTO workers (worker_id, owner, machine_id, hardware_json, region, advertised_host, first_seen_ms, last_seen_ms)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7)
         ON CONFLICT (owner, machine_id) DO UPDATE SET hardware_json = excluded.hardware_json, region = excluded.region,
           advertised_host = excluded.advertised_host, last_seen_ms = excluded.last_seen_ms
         RETURNING *
       ), facts AS (
         INSERT INTO worker_facts (worker_id) SELECT worker_id FROM w ON CONFLICT DO NOTHING
       )
       SELECT * FROM w`,
      [input.newWorkerId, input.owner, input.machineId, JSON.stringify(input.hardware), input.region, input.advertisedHost, input.atMs],
    );
    return workerFromRow(rows[0]!);
  }

  async listWorkers(): Promise<StoredWorker[]> {
    return (await this.money.query<WorkerRow>('SELECT * FROM workers ORDER BY worker_id')).rows.map(workerFromRow);
  }

  async recordPresence(entries: readonly PresenceEntry[]): Promise<void> {
    if (entries.length === 0) return;
    // One row per worker: an UPDATE … FROM applies only one of several source rows per target.
    const merged = new Map<string, { add: number; seen: number }>();
    for (const e of entries) {
      const prior = merged.get(e.workerId);
      const add = Math.max(0, Math.round(e.addOnlineMs));
      merged.set(e.workerId, prior ? { add: prior.add + add, seen: Math.max(prior.seen, e.lastSeenMs) } : { add, seen: e.lastSeenMs });
    }
    await this.light.query(
      `UPDATE workers w SET online_ms = w.online_ms + v.add_ms, last_seen_ms = greatest(w.last_seen_ms, v.seen_ms)
       FROM unnest($1::text[], $2::bigint[], $3::bigint[]) AS v(worker_id, add_ms, seen_ms)
       WHERE w.worker_id = v.worker_id`,
      [[...merged.keys()], [...merged.values()].map((v) => v.add), [...merged.values()].map((v) => v.seen)],
    );
  }

  async recordHardwareCheck(workerId: string, passed: boolean): Promise<void> {
    await this.light.query(
      'UPDATE worker_facts SET hardware_checks_total = hardware_checks_total + 1, hardware_checks_passed = hardware_checks_passed + $1 WHERE worker_id = $2',
      [passed ? 1 : 0, workerId],
    );
  }

  async saveOffer(offer: StoredOffer): Promise<void> {
    await this.light.query(
      `INSERT INTO offers (offer_id, worker_id, gpu_model, vram_mib, terms_json, created_at_ms, updated_at_ms) VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (offer_id) DO UPDATE SET gpu_model = excluded.gpu_model, vram_mib = excluded.vram_mib, terms_json = excluded.terms_json,
         updated_at_ms = excluded.updated_at_ms, withdrawn_at_ms = NULL`,
      [offer.offerId, offer.workerId, offer.gpuModel, offer.vramMiB, JSON.stringify(offer.terms), offer.createdAtMs, offer.updatedAtMs],
    );
  }

  async withdrawOffer(offerId: string, atMs: number): Promise<void> {
    await this.light.query('UPDATE offers SET withdrawn_at_ms = $1 WHERE offer_id = $2', [atMs, offerId]);
  }

  async listActiveOffers(): Promise<StoredOffer[]> {
    const { rows } = await this.money.query<OfferRow>('SELECT * FROM offers WHERE withdrawn_at_ms IS NULL ORDER BY offer_id');
    return rows.map((r) => ({
      offerId: r.offer_id,
      workerId: r.worker_id,
      gpuModel: r.gpu_model,
      vramMiB: r.vram_mib,
      terms: JSON.parse(r.terms_json),
      createdAtMs: r.created_at_ms,
      updatedAtMs: r.updated_at_ms,
    }));
  }

  async createLease(lease: NewLease): Promise<void> {
    try {
      await this.writeLease(lease);
    } catch (error) {
      if (!(error instanceof GpuHeldError)) throw error;
      // Asked once the lease's connection is back in the pool (a pool full of refused leases
      // each waiting for one more connection would wait forever).
      const holds = lease.placement.nodes.flatMap((n) => n.gpuUuids.map((uuid) => [n.workerId, uuid] as const));
      throw new GpuHeldError(lease.leaseId, await this.holdersOf(lease.leaseId, holds));
    }
  }

  private async writeLease(lease: NewLease): Promise<void> {
    await this.tx(this.money, async (c) => {
      await c.query(
        `INSERT INTO leases (lease_id, renter, state, end_reason, created_at_ms, expires_at_ms, increment_ms, increment_count, grace_ms, mint, request_json, placement_json)
         VALUES ($1, $2, 'reserved', NULL, $3, $4, $5, $6, $7, $8, $9, $10)`,
        [lease.leaseId, lease.renter, lease.createdAtMs, lease.expiresAtMs, lease.incrementMs, lease.incrementCount, lease.graceMs, lease.mint, JSON.stringify(lease.request), JSON.stringify(lease.placement)],
      );
      const nodes = lease.placement.nodes;
      await c.query(
        `INSERT INTO lease_nodes (lease_id, rank, worker_id, state, message, updated_at_ms)
         SELECT $1, rank, worker_id, 'assigned', NULL, $2 FROM unnest($3::int[], $4::text[]) AS n(rank, worker_id)`,
        [lease.leaseId, lease.createdAtMs, nodes.map((n) => n.rank), nodes.map((n) => n.workerId)],
      );
      const holds = nodes.flatMap((n) => n.gpuUuids.map((uuid) => [n.workerId, uuid] as const));
      try {
        await c.query(
          'INSERT INTO gpu_holds (worker_id, gpu_uuid, lease_id) SELECT worker_id, gpu_uuid, $1 FROM unnest($2::text[], $3::text[]) AS h(worker_id, gpu_uuid)',
          [lease.leaseId, holds.map((h) => h[0]), holds.map((h) => h[1])],
        );
      } catch (error) {
        if ((error as { code?: string; constraint?: string }).code === UNIQUE_VIOLATION && (error as { constraint?: string }).constraint === 'gpu_holds_pkey') {
          throw new GpuHeldError(lease.leaseId);
        }
        throw error;
      }
      await this.insertPayments(c, lease.leaseId, lease.payments);
      await c.query("INSERT INTO lease_transitions (lease_id, seq, from_state, to_state, end_reason, at_ms, reason) VALUES ($1, 1, NULL, 'reserved', NULL, $2, $3)", [
        lease.leaseId,
        lease.createdAtMs,
        lease.reason,
      ]);
    });
  }

  private async insertPayments(c: pg.PoolClient, leaseId: string, payments: readonly ExpectedPayment[]): Promise<void> {
    if (payments.length === 0) return;
    await c.query(
      `INSERT INTO lease_payments (lease_id, increment, payee, amount, reference, memo)
       SELECT $1, increment, payee, amount, reference, memo FROM unnest($2::int[], $3::text[], $4::numeric[], $5::text[], $6::text[]) AS p(increment, payee, amount, reference, memo)`,
      [leaseId, payments.map((p) => p.increment), payments.map((p) => p.payee), payments.map((p) => p.amount.toString(10)), payments.map((p) => p.reference), payments.map((p) => p.memo)],
    );
  }

  async transitionLease(ch: LeaseStateChange): Promise<boolean> {
    return this.tx(this.money, async (c) => {
      // The compare-and-set: the UPDATE takes the lease's row lock, so a racing instance
      // waits, then re-reads the state and finds it no longer `from`.
      const moved = await c.query<{ renter: string }>(
        `UPDATE leases SET state = $1, end_reason = $2, started_at_ms = coalesce($3, started_at_ms),
           ended_at_ms = CASE WHEN $1 = 'ended' THEN $4::bigint ELSE ended_at_ms END
         WHERE lease_id = $5 AND state = $6 AND state <> 'ended' RETURNING renter`,
        [ch.to, ch.endReason, ch.startedAtMs ?? null, ch.atMs, ch.leaseId, ch.from],
      );
      const renter = moved.rows[0]?.renter;
      if (renter === undefined) return false;
      await c.query(
        `INSERT INTO lease_transitions (lease_id, seq, from_state, to_state, end_reason, at_ms, reason)
         VALUES ($1, (SELECT coalesce(max(seq), 0) + 1 FROM lease_transitions WHERE lease_id = $1), $2, $3, $4, $5, $6)`,
        [ch.leaseId, ch.from, ch.to, ch.endReason, ch.atMs, ch.reason],
      );
      if (ch.to === 'ended') await c.query('DELETE FROM gpu_holds WHERE lease_id = $1', [ch.leaseId]);
      if (ch.facts) {
        if (ch.facts.workersCompleted.length > 0) {
          await c.query('UPDATE worker_facts SET leases_completed = leases_completed + 1 WHERE worker_id = ANY($1::text[])', [ch.facts.workersCompleted]);
        }
        if (ch.facts.workersEndedBySupplier.length > 0) {
          await c.query('UPDATE worker_facts SET leases_ended_by_supplier = leases_ended_by_supplier + 1 WHERE worker_id = ANY($1::text[])', [ch.facts.workersEndedBySupplier]);
        }
        if (ch.facts.renterMissedIncrement) {
          await c.query(
            'INSERT INTO renter_facts (address, increments_missed) VALUES ($1, 1) ON CONFLICT (address) DO UPDATE SET increments_missed = renter_facts.increments_missed + 1',
            [renter],
          );
        }
        if (ch.facts.renterLetReservationExpire) {
          await c.query(
            'INSERT INTO renter_facts (address, reservations_expired) VALUES ($1, 1) ON CONFLICT (address) DO UPDATE SET reservations_expired = renter_facts.reservations_expired + 1',
            [renter],
          );
        }
      }
      return true;
    });
  }

  async setNodeState(leaseId: string, rank: number, state: NodeState, message: string | null, atMs: number): Promise<void> {
    await this.money.query('UPDATE lease_nodes SET state = $1, message = $2, updated_at_ms = $3 WHERE lease_id = $4 AND rank = $5', [state, message, atMs, leaseId, rank]);
  }

  async extendLease(leaseId: string, incrementCount: number, payments: readonly ExpectedPayment[]): Promise<void> {
    await this.tx(this.money, async (c) => {
      const changed = await c.query('UPDATE leases SET increment_count = $1 WHERE lease_id = $2 AND increment_count < $1', [incrementCount, leaseId]);
      if (changed.rowCount === 0) throw new Error(`lease ${leaseId} cannot be extended to ${incrementCount} increments`);
      await this.insertPayments(c, leaseId, payments);
    });
  }

  async getLease(leaseId: string): Promise<StoredLease | null> {
    const [lease] = await this.leasesWhere('lease_id = $1', [leaseId]);
    return lease ?? null;
  }

  async listActiveLeases(): Promise<StoredLease[]> {
    return this.leasesWhere("state <> 'ended' ORDER BY created_at_ms, lease_id", []);
  }

  async listRenterLeases(renter: string, limit: number): Promise<StoredLease[]> {
    return this.leasesWhere('renter = $1 ORDER BY created_at_ms DESC, lease_id LIMIT $2', [renter, limit]);
  }

  /** Leases and their nodes, payments and transitions in four queries, whatever the count. */
  private async leasesWhere(where: string, values: unknown[]): Promise<StoredLease[]> {
    type Keyed<R> = R & { lease_id: string };
    const rows = await this.readOnly(async (c) => {
      const leases = (await c.query<LeaseRow>(`SELECT * FROM leases WHERE ${where}`, values)).rows;
      if (leases.length === 0) return { leases, nodes: [], payments: [], transitions: [] };
      const ids = leases.map((l) => l.lease_id);
      const nodes = (await c.query<Keyed<NodeRow>>('SELECT * FROM lease_nodes WHERE lease_id = ANY($1::text[]) ORDER BY lease_id, rank', [ids])).rows;
      const payments = (
        await c.query<Keyed<PaymentRow>>(
          `SELECT lease_id, increment, payee, amount::text AS amount, reference, memo, signature, paid_at_ms, on_time::int AS on_time
           FROM lease_payments WHERE lease_id = ANY($1::text[]) ORDER BY lease_id, increment, payee COLLATE "C"`,
          [ids],
        )
      ).rows;
      const transitions = (await c.query<Keyed<TransitionRow>>('SELECT * FROM lease_transitions WHERE lease_id = ANY($1::text[]) ORDER BY lease_id, seq', [ids])).rows;
      return { leases, nodes, payments, transitions };
    });
    const group = <R extends { lease_id: string }>(list: R[]) => {
      const byLease = new Map<string, R[]>();
      for (const r of list) {
        const bucket = byLease.get(r.lease_id);
        if (bucket) bucket.push(r);
        else byLease.set(r.lease_id, [r]);
      }
      return byLease;
    };
    const [n, p, t] = [group(rows.nodes), group(rows.payments), group(rows.transitions)];
    return rows.leases.map((l) => leaseFromRows(l, n.get(l.lease_id) ?? [], p.get(l.lease_id) ?? [], t.get(l.lease_id) ?? []));
  }

  /** Several reads in one snapshot, so a lease never comes back half updated by another instance. */
  private async readOnly<T>(work: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    return this.tx(this.money, work, 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  }

  async creditPayment(cr: PaymentCredit): Promise<CreditResult> {
    try {
      return await this.tx(this.money, (c) => this.credit(c, cr));
    } catch (error) {
      // Another instance credited this signature between our check and our UPDATE: the
      // unique index refused ours, the transaction rolled back; report whom it paid.
      if ((error as { code?: string }).code !== UNIQUE_VIOLATION) throw error;
      const prior = await this.paymentBySignature(cr.signature);
      if (!prior) throw error;
      return { status: 'duplicate-signature', creditedTo: prior };
    }
  }

  private async paymentBySignature(signature: string, c: pg.ClientBase | pg.Pool = this.money) {
    const { rows } = await c.query<{ lease_id: string; increment: number; payee: string }>('SELECT lease_id, increment, payee FROM lease_payments WHERE signature = $1', [signature]);
    const row = rows[0];
    return row ? { leaseId: row.lease_id, increment: row.increment, payee: row.payee } : null;
  }

  private async credit(c: pg.PoolClient, cr: PaymentCredit): Promise<CreditResult> {
    const prior = await this.paymentBySignature(cr.signature, c);
    if (prior) return { status: 'duplicate-signature', creditedTo: prior };
    // FOR UPDATE: a second signature racing for this payment waits here, then sees it paid.
    const { rows } = await c.query<{ amount: string; signature: string | null }>(
      'SELECT amount::text AS amount, signature FROM lease_payments WHERE lease_id = $1 AND increment = $2 AND payee = $3 FOR UPDATE',
      [cr.leaseId, cr.increment, cr.payee],
    );
    const row = rows[0];
    if (!row) return { status: 'unknown-payment' };
    if (row.signature !== null) return { status: 'already-paid', signature: row.signature };
    await c.query('UPDATE lease_payments SET signature = $1, paid_at_ms = $2, on_time = $3 WHERE lease_id = $4 AND increment = $5 AND payee = $6', [
      cr.signature,
      cr.paidAtMs,
      cr.onTime,
      cr.leaseId,
      cr.increment,
      cr.payee,
    ]);
    await c.query('UPDATE hub_totals SET volume_paid = volume_paid + $1::numeric WHERE id = 1', [row.amount]);
    const column = cr.onTime ? 'increments_on_time' : 'increments_late';
    await c.query(`INSERT INTO renter_facts (address, ${column}) VALUES ($1, 1) ON CONFLICT (address) DO UPDATE SET ${column} = renter_facts.${column} + 1`, [cr.renter]);
    return { status: 'credited' };
  }

  async recentPayments(limit: number): Promise<PaymentRecord[]> {
    const { rows } = await this.money.query<RecentPaymentRow>(
      `SELECT p.signature, p.lease_id, p.increment, p.payee, p.amount::text AS amount, p.paid_at_ms, l.renter
       FROM lease_payments p JOIN leases l ON l.lease_id = p.lease_id
       WHERE p.signature IS NOT NULL ORDER BY p.paid_at_ms DESC, p.signature COLLATE "C" LIMIT $1`,
      [limit],
    );
    return rows.map((r) => ({ signature: r.signature, leaseId: r.lease_id, increment: r.increment, payee: r.payee, payer: r.renter, amount: BigInt(r.amount), paidAtMs: r.paid_at_ms }));
  }

  async volumePaidSince(sinceMs: number): Promise<bigint> {
    const { rows } = await this.money.query<{ sum: string }>('SELECT coalesce(sum(amount), 0)::text AS sum FROM lease_payments WHERE signature IS NOT NULL AND paid_at_ms >= $1', [sinceMs]);
    return BigInt(rows[0]!.sum);
  }

  async volumePaidAllTime(): Promise<bigint> {
    const { rows } = await this.money.query<{ v: string }>('SELECT volume_paid::text AS v FROM hub_totals WHERE id = 1');
    return BigInt(rows[0]!.v);
  }

  async workerFacts(workerId: string): Promise<WorkerFacts> {
    const { rows } = await this.money.query<WorkerFactsRow>('SELECT * FROM worker_facts WHERE worker_id = $1', [workerId]);
    return rows[0]
      ? workerFactsFromRow(rows[0])
      : { workerId, leasesCompleted: 0, leasesEndedBySupplier: 0, hardwareChecksPassed: 0, hardwareChecksTotal: 0, attestationsPassed: 0, attestationsFailed: 0, refundsMissed: 0 };
  }

  async listWorkerFacts(): Promise<WorkerFacts[]> {
    return (await this.money.query<WorkerFactsRow>('SELECT * FROM worker_facts ORDER BY worker_id')).rows.map(workerFactsFromRow);
  }

  async renterFacts(address: string): Promise<RenterFacts> {
    const { rows } = await this.money.query('SELECT increments_on_time, increments_late, increments_missed, reservations_expired FROM renter_facts WHERE address = $1', [address]);
    const row = rows[0];
    return {
      address,
      incrementsOnTime: row?.increments_on_time ?? 0,
      incrementsLate: row?.increments_late ?? 0,
      incrementsMissed: row?.increments_missed ?? 0,
      reservationsExpired: row?.reservations_expired ?? 0,
    };
  }

  async recordAttestation(workerId: string, passed: boolean): Promise<void> {
    const column = passed ? 'attestations_passed' : 'attestations_failed';
    await this.light.query(`UPDATE worker_facts SET ${column} = ${column} + 1 WHERE worker_id = $1`, [workerId]);
  }

  async recordRefundMissed(workerId: string): Promise<void> {
    await this.light.query('UPDATE worker_facts SET refunds_missed = refunds_missed + 1 WHERE worker_id = $1', [workerId]);
  }

  async appendEvidence(entry: NewLeaseEvidence): Promise<void> {
    // Evidence of money settles disputes: the durable pool. The (lease, seq) key makes two
    // instances appending at once collide instead of sharing a number: the loser retries.
    for (let attempt = 0; ; attempt++) {
      try {
        await this.money.query(
          `INSERT INTO lease_evidence (lease_id, seq, kind, worker_id, at_ms, body_json)
           VALUES ($1, (SELECT coalesce(max(seq), 0) + 1 FROM lease_evidence WHERE lease_id = $1), $2, $3, $4, $5)`,
          [entry.leaseId, entry.kind, entry.workerId, entry.atMs, JSON.stringify(entry.body)],
        );
        return;
      } catch (error) {
        if ((error as { code?: string }).code !== '23505' || attempt >= 4) throw error;
      }
    }
  }

  async listEvidence(leaseId: string): Promise<LeaseEvidence[]> {
    const { rows } = await this.money.query('SELECT lease_id, seq, kind, worker_id, at_ms, body_json FROM lease_evidence WHERE lease_id = $1 ORDER BY seq', [leaseId]);
    return rows.map((r) => ({ leaseId: r.lease_id, seq: r.seq, kind: r.kind, workerId: r.worker_id, atMs: r.at_ms, body: JSON.parse(r.body_json) as Record<string, unknown> }));
  }

  /**
   * Which of these GPUs other leases hold (for GpuHeldError). The winner committed before
   * the loser failed (the loser waited on its key), so its row is visible.
   */
  private async holdersOf(leaseId: string, holds: ReadonlyArray<readonly [string, string]>): Promise<Array<{ workerId: string; gpuUuid: string; leaseId: string }>> {
    const { rows } = await this.money.query<{ worker_id: string; gpu_uuid: string; lease_id: string }>(
      `SELECT g.worker_id, g.gpu_uuid, g.lease_id FROM gpu_holds g JOIN unnest($1::text[], $2::text[]) AS h(worker_id, gpu_uuid)
       ON g.worker_id = h.worker_id AND g.gpu_uuid = h.gpu_uuid WHERE g.lease_id <> $3 ORDER BY g.worker_id, g.gpu_uuid`,
      [holds.map((h) => h[0]), holds.map((h) => h[1]), leaseId],
    );
    return rows.map((r) => ({ workerId: r.worker_id, gpuUuid: r.gpu_uuid, leaseId: r.lease_id }));
  }

  async saveExplorerPoints(points: readonly StoredExplorerPoint[]): Promise<void> {
    if (points.length === 0) return;
    // Statistics, re-sampled every interval: the light pool, like presence.
    await this.tx(this.light, async (c) => {
      for (const p of points) {
        await c.query(
          `INSERT INTO explorer_series (${EXPLORER_POINT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
           ON CONFLICT (resolution_ms, at_ms) DO UPDATE SET workers_online = excluded.workers_online, gpus_online = excluded.gpus_online, gpus_leased = excluded.gpus_leased,
             utilisation = excluded.utilisation, leases_running = excluded.leases_running, leases_active = excluded.leases_active, volume_paid = excluded.volume_paid, groups_json = excluded.groups_json`,
          explorerPointValues(p),
        );
      }
    });
  }

  async listExplorerPoints(resolutionMs: number, sinceMs: number, untilMs: number): Promise<StoredExplorerPoint[]> {
    const { rows } = await this.light.query<ExplorerPointRow>(
      `SELECT resolution_ms, at_ms, workers_online, gpus_online, gpus_leased, utilisation, leases_running, leases_active, volume_paid::text AS volume_paid, groups_json
       FROM explorer_series WHERE resolution_ms = $1 AND at_ms >= $2 AND at_ms < $3 ORDER BY at_ms`,
      [resolutionMs, sinceMs, untilMs],
    );
    return rows.map(explorerPointFromRow);
  }

  async deleteExplorerPoints(resolutionMs: number, beforeMs: number): Promise<number> {
    return (await this.light.query('DELETE FROM explorer_series WHERE resolution_ms = $1 AND at_ms < $2', [resolutionMs, beforeMs])).rowCount ?? 0;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([this.money.end(), this.light.end()]);
  }
}
