import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresAvailable, startPrivatePostgres } from '../../../testing/private-postgres';
import type { PrivatePostgres } from '../../../testing/private-postgres';
import { migratePg, pgSchemaVersion } from '../pg-migration';
import { PG_HUB_MIGRATIONS } from './index';

// One private cluster for the file, a database per test: each test upgrades a database
// holding the rows of the migrations before it, as a running hub's database would.
let cluster: PrivatePostgres;
const clients: pg.Client[] = [];
const HAVE_POSTGRES = postgresAvailable('PostgreSQL migration tests');

beforeAll(async () => {
  if (!HAVE_POSTGRES) return;
  cluster = await startPrivatePostgres();
}, 90_000);
afterAll(async () => {
  for (const c of clients) await c.end();
  await cluster?.stop();
}, 90_000);

let count = 0;
async function freshDatabase(): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: await cluster.createDatabase(`migrations_${++count}`) });
  await client.connect();
  clients.push(client);
  return client;
}

const rejects = (p: Promise<unknown>, code: string) => expect(p).rejects.toMatchObject({ code });
const UNIQUE = '23505';
const CHECK = '23514';
const FOREIGN_KEY = '23503';

describe.skipIf(!HAVE_POSTGRES)('hub PostgreSQL migrations', () => {
  it('001 sessions: one row per token hash; types enforced', async () => {
    const db = await freshDatabase();
    expect(await migratePg(db, PG_HUB_MIGRATIONS, 1)).toBe(1);
    const insert = 'INSERT INTO sessions VALUES ($1, $2, $3, $4)';
    await db.query(insert, ['ab'.repeat(32), 'addr', 1_700_000_000_000, 1_700_000_600_000]);
    await rejects(db.query(insert, ['ab'.repeat(32), 'x', 1, 2]), UNIQUE);
    await rejects(db.query(insert, ['cd'.repeat(32), 'x', 'soon', 2]), '22P02');
    expect((await db.query('SELECT count(*)::int AS n FROM sessions WHERE expires_at_ms > $1', [1_700_000_000_001])).rows[0].n).toBe(1);
  });

  it('002 workers and offers: keeps sessions; workers keyed by owner and machine; offers need their worker', async () => {
    const db = await freshDatabase();
    await migratePg(db, PG_HUB_MIGRATIONS, 1);
    await db.query("INSERT INTO sessions VALUES ('ff', 'owner-a', 1, 2)");
    expect(await migratePg(db, PG_HUB_MIGRATIONS, 2)).toBe(2);
    expect((await db.query('SELECT address FROM sessions')).rows).toEqual([{ address: 'owner-a' }]);
    const worker = 'INSERT INTO workers (worker_id, owner, machine_id, hardware_json, region, first_seen_ms, last_seen_ms) VALUES ($1, $2, $3, $4, $5, 10, 10)';
    await db.query(worker, ['wkr-1', 'owner-a', 'machine-1', '{}', 'eu-west']);
    await rejects(db.query(worker, ['wkr-2', 'owner-a', 'machine-1', '{}', 'eu-west']), UNIQUE);
    await db.query(worker, ['wkr-3', 'owner-b', 'machine-1', '{}', 'us-east']);
    const offer = 'INSERT INTO offers (offer_id, worker_id, gpu_model, vram_mib, terms_json, created_at_ms, updated_at_ms) VALUES ($1, $2, $3, 1, $4, 1, 1)';
    await db.query(offer, ['ofr-1', 'wkr-1', 'RTX 4090', '{}']);
    await rejects(db.query(offer, ['ofr-2', 'wkr-missing', 'x', '{}']), FOREIGN_KEY);
    await db.query("INSERT INTO worker_facts (worker_id) VALUES ('wkr-1')");
    expect((await db.query('SELECT leases_completed + hardware_checks_total AS n FROM worker_facts')).rows).toEqual([{ n: 0 }]);
  });

  it('003 leases: keeps workers; a lease ends only with a reason, in known states', async () => {
    const db = await freshDatabase();
    await migratePg(db, PG_HUB_MIGRATIONS, 2);
    await db.query("INSERT INTO workers (worker_id, owner, machine_id, hardware_json, region, first_seen_ms, last_seen_ms) VALUES ('wkr-1', 'o', 'm', '{}', 'eu', 1, 1)");
    expect(await migratePg(db, PG_HUB_MIGRATIONS, 3)).toBe(3);
    expect((await db.query('SELECT count(*)::int AS n FROM workers')).rows[0].n).toBe(1);
    const lease = `INSERT INTO leases (lease_id, renter, state, end_reason, created_at_ms, expires_at_ms, increment_ms, increment_count, grace_ms, mint, request_json, placement_json)
       VALUES ($1, 'renter', $2, $3, 1, 2, 600000, 3, 60000, 'mint', '{}', '{"nodes":[]}')`;
    await db.query(lease, ['lease-a', 'reserved', null]);
    await rejects(db.query(lease, ['lease-b', 'ended', null]), CHECK);
    await rejects(db.query(lease, ['lease-c', 'running', 'completed']), CHECK);
    await rejects(db.query(lease, ['lease-d', 'sleeping', null]), CHECK);
    await db.query(lease, ['lease-e', 'ended', 'supplier-lost']);
    await db.query("INSERT INTO lease_nodes VALUES ('lease-a', 0, 'wkr-1', 'assigned', NULL, 1)");
    await rejects(db.query("INSERT INTO lease_nodes VALUES ('lease-a', 0, 'wkr-1', 'assigned', NULL, 1)"), UNIQUE);
    await rejects(db.query("INSERT INTO lease_transitions VALUES ('lease-z', 1, NULL, 'reserved', NULL, 1, 'placed')"), FOREIGN_KEY);
  });

  it('004 payments: keeps leases; a signature is unique; amounts are whole, of any size', async () => {
    const db = await freshDatabase();
    await migratePg(db, PG_HUB_MIGRATIONS, 3);
    await db.query(`INSERT INTO leases (lease_id, renter, state, end_reason, created_at_ms, expires_at_ms, increment_ms, increment_count, grace_ms, mint, request_json, placement_json)
       VALUES ('lease-a', 'renter', 'reserved', NULL, 1, 2, 600000, 2, 60000, 'mint', '{}', '{"nodes":[]}')`);
    expect(await migratePg(db, PG_HUB_MIGRATIONS, 4)).toBe(4);
    expect((await db.query('SELECT volume_paid::text AS v FROM hub_totals')).rows).toEqual([{ v: '0' }]);
    const expected = 'INSERT INTO lease_payments (lease_id, increment, payee, amount, reference, memo) VALUES ($1, $2, $3, $4, $5, $6)';
    await db.query(expected, ['lease-a', 0, 'payee-1', '123456789012345678901234567890', 'ref-0', 'm']);
    await db.query(expected, ['lease-a', 1, 'payee-1', '1500000', 'ref-1', 'm']);
    await rejects(db.query(expected, ['lease-a', 2, 'payee-1', '1.5', 'ref-2', 'm']), CHECK);
    await rejects(db.query(expected, ['lease-a', 3, 'payee-1', '-5', 'ref-3', 'm']), CHECK);
    await rejects(db.query(expected, ['lease-a', 4, 'payee-1', '5', 'ref-0', 'm']), UNIQUE);
    await rejects(db.query(expected, ['lease-missing', 0, 'payee-1', '5', 'ref-9', 'm']), FOREIGN_KEY);
    expect((await db.query("SELECT amount::text AS a FROM lease_payments WHERE reference = 'ref-0'")).rows).toEqual([{ a: '123456789012345678901234567890' }]);
    const credit = 'UPDATE lease_payments SET signature = $1, paid_at_ms = $2, on_time = true WHERE lease_id = $3 AND increment = $4';
    await db.query(credit, ['sig-1', 100, 'lease-a', 0]);
    await rejects(db.query(credit, ['sig-1', 200, 'lease-a', 1]), UNIQUE);
    await rejects(db.query("UPDATE lease_payments SET signature = 'sig-2' WHERE increment = 1"), CHECK);
    await rejects(db.query('INSERT INTO hub_totals VALUES (2, 0)'), CHECK);
  });

  it('005 GPU holds: active leases of an upgraded database hold their GPUs, ended ones none; a GPU is held once', async () => {
    const db = await freshDatabase();
    await migratePg(db, PG_HUB_MIGRATIONS, 4);
    const lease = `INSERT INTO leases (lease_id, renter, state, end_reason, created_at_ms, expires_at_ms, increment_ms, increment_count, grace_ms, mint, request_json, placement_json)
       VALUES ($1, 'renter', $2, $3, 1, 2, 600000, 2, 60000, 'mint', '{}', $4)`;
    const placement = (gpus: string[]) => JSON.stringify({ nodes: [{ rank: 0, workerId: 'wkr-1', gpuUuids: gpus }] });
    await db.query(lease, ['lease-running', 'running', null, placement(['GPU-0', 'GPU-1'])]);
    await db.query(lease, ['lease-ended', 'ended', 'completed', placement(['GPU-0', 'GPU-2'])]);
    expect(await migratePg(db, PG_HUB_MIGRATIONS, 5)).toBe(5);
    expect((await db.query('SELECT worker_id, gpu_uuid, lease_id FROM gpu_holds ORDER BY gpu_uuid')).rows).toEqual([
      { worker_id: 'wkr-1', gpu_uuid: 'GPU-0', lease_id: 'lease-running' },
      { worker_id: 'wkr-1', gpu_uuid: 'GPU-1', lease_id: 'lease-running' },
    ]);
    const hold = 'INSERT INTO gpu_holds VALUES ($1, $2, $3)';
    await rejects(db.query(hold, ['wkr-1', 'GPU-0', 'lease-ended']), UNIQUE);
    await db.query(hold, ['wkr-2', 'GPU-0', 'lease-ended']);
    await rejects(db.query(hold, ['wkr-3', 'GPU-0', 'lease-missing']), FOREIGN_KEY);
  });

  it('006 session audience: drops sessions made without one; renter or worker from then on', async () => {
    const db = await freshDatabase();
    await migratePg(db, PG_HUB_MIGRATIONS, 5);
    await db.query('INSERT INTO sessions VALUES ($1, $2, 1, 2)', ['ab'.repeat(32), 'addr']);
    expect(await migratePg(db, PG_HUB_MIGRATIONS, 6)).toBe(6);
    expect((await db.query('SELECT count(*)::int AS n FROM sessions')).rows[0].n).toBe(0);
    const insert = 'INSERT INTO sessions (token_hash, address, created_at_ms, expires_at_ms, audience) VALUES ($1, $2, 1, 2, $3)';
    await db.query(insert, ['cd'.repeat(32), 'addr', 'worker']);
    await db.query(insert, ['ef'.repeat(32), 'addr', 'renter']);
    await rejects(db.query(insert, ['01'.repeat(32), 'addr', 'admin']), CHECK);
    expect((await db.query('SELECT audience FROM sessions ORDER BY token_hash')).rows.map((r) => r.audience)).toEqual(['worker', 'renter']);
  });

  it('007 GPU bindings and expired reservations: the oldest worker reporting a UUID holds it; a UUID is bound once; renter facts count expiries', async () => {
    const db = await freshDatabase();
    await migratePg(db, PG_HUB_MIGRATIONS, 6);
    const worker = 'INSERT INTO workers (worker_id, owner, machine_id, hardware_json, region, first_seen_ms, last_seen_ms) VALUES ($1, $2, $3, $4, $5, $6, $6)';
    const hw = (uuid: string) => JSON.stringify({ gpus: [{ uuid }] });
    await db.query(worker, ['wkr-new', 'owner-b', 'machine-2', hw('GPU-0'), 'eu', 20]);
    await db.query(worker, ['wkr-old', 'owner-a', 'machine-1', hw('GPU-0'), 'eu', 10]);
    await db.query("INSERT INTO renter_facts (address) VALUES ('renter-1')");
    expect(await migratePg(db, PG_HUB_MIGRATIONS, 7)).toBe(7);
    expect((await db.query('SELECT gpu_uuid, owner, machine_id FROM gpu_bindings')).rows).toEqual([{ gpu_uuid: 'GPU-0', owner: 'owner-a', machine_id: 'machine-1' }]);
    await rejects(db.query("INSERT INTO gpu_bindings VALUES ('GPU-0', 'owner-c', 'm', 1)"), UNIQUE);
    expect((await db.query("SELECT reservations_expired FROM renter_facts WHERE address = 'renter-1'")).rows).toEqual([{ reservations_expired: 0 }]);
  });

  it('008 trust: worker facts start at zero; evidence belongs to a lease and is numbered once', async () => {
    const db = await freshDatabase();
    await migratePg(db, PG_HUB_MIGRATIONS, 7);
    await db.query("INSERT INTO workers (worker_id, owner, machine_id, hardware_json, region, first_seen_ms, last_seen_ms) VALUES ('wkr-1', 'o', 'm', '{}', 'eu', 1, 1)");
    await db.query("INSERT INTO worker_facts (worker_id, leases_completed) VALUES ('wkr-1', 4)");
    await db.query(
      `INSERT INTO leases (lease_id, renter, state, end_reason, created_at_ms, expires_at_ms, increment_ms, increment_count, grace_ms, mint, request_json, placement_json)
       VALUES ('lease-a', 'renter', 'reserved', NULL, 1, 2, 600000, 2, 60000, 'mint', '{}', '{"nodes":[]}')`,
    );
    expect(await migratePg(db, PG_HUB_MIGRATIONS, 8)).toBe(8);
    expect((await db.query('SELECT leases_completed, attestations_passed, attestations_failed, refunds_missed FROM worker_facts')).rows).toEqual([
      { leases_completed: 4, attestations_passed: 0, attestations_failed: 0, refunds_missed: 0 },
    ]);
    const evidence = 'INSERT INTO lease_evidence VALUES ($1, $2, $3, NULL, 1, $4)';
    await db.query(evidence, ['lease-a', 1, 'payment', '{}']);
    await rejects(db.query(evidence, ['lease-a', 1, 'refund', '{}']), UNIQUE);
    await rejects(db.query(evidence, ['lease-missing', 1, 'payment', '{}']), FOREIGN_KEY);
    await rejects(db.query(evidence, ['lease-a', 2, '', '{}']), CHECK);
  });

  it('009 explorer series: keeps leases; a point once per resolution and time; volume whole, of any size', async () => {
    const db = await freshDatabase();
    await migratePg(db, PG_HUB_MIGRATIONS, 8);
    await db.query(
      `INSERT INTO leases (lease_id, renter, state, end_reason, created_at_ms, expires_at_ms, increment_ms, increment_count, grace_ms, mint, request_json, placement_json)
       VALUES ('lease-a', 'renter', 'reserved', NULL, 1, 2, 600000, 2, 60000, 'mint', '{}', '{"nodes":[]}')`,
    );
    expect(await migratePg(db, PG_HUB_MIGRATIONS, 9)).toBe(9);
    expect((await db.query('SELECT lease_id FROM leases')).rows).toEqual([{ lease_id: 'lease-a' }]);
    const point = 'INSERT INTO explorer_series VALUES ($1, $2, 1, 2, 1, $3, 1, 1, $4, $5)';
    await db.query(point, [60_000, 120_000, 0.5, '123456789012345678901234567890', '[]']);
    await db.query(point, [3_600_000, 120_000, 0.5, '1', '[]']);
    await rejects(db.query(point, [60_000, 120_000, 0.5, '1', '[]']), UNIQUE);
    await rejects(db.query(point, [60_000, 180_000, 0.5, '-1', '[]']), CHECK);
    await rejects(db.query(point, [60_000, 180_000, 0.5, '1.5', '[]']), CHECK);
    await rejects(db.query(point, [60_000, 240_000, 1.5, '1', '[]']), CHECK);
    expect((await db.query('SELECT volume_paid::text AS v FROM explorer_series WHERE resolution_ms = 60000')).rows).toEqual([{ v: '123456789012345678901234567890' }]);
  });

  it('applies each migration once when two instances migrate at once, and refuses a database from a newer hub', async () => {
    const db = await freshDatabase();
    const other = new pg.Client({ connectionString: cluster.url(`migrations_${count}`) });
    await other.connect();
    clients.push(other);
    expect(await Promise.all([migratePg(db, PG_HUB_MIGRATIONS), migratePg(other, PG_HUB_MIGRATIONS)])).toEqual([9, 9]);
    expect((await db.query('SELECT version FROM schema_migrations ORDER BY version')).rows.map((r) => r.version)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    await db.query("INSERT INTO schema_migrations (version, name) VALUES (10, 'from the future')");
    expect(await pgSchemaVersion(db)).toBe(10);
    await expect(migratePg(db, PG_HUB_MIGRATIONS)).rejects.toThrow(/newer Idlegrid hub/);
  });
});
