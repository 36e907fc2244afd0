import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InstanceEvent } from './instance-bus';
import { PgInstanceBus } from './pg-instance-bus';
import { postgresAvailable, startPrivatePostgres } from '../testing/private-postgres';
import type { PrivatePostgres } from '../testing/private-postgres';

// The bus between hub instances on a private PostgreSQL: LISTEN/NOTIFY, no polling.

const HAVE_POSTGRES = postgresAvailable('the instance bus test');
let cluster: PrivatePostgres;
let url: string;

beforeAll(async () => {
  if (!HAVE_POSTGRES) return;
  cluster = await startPrivatePostgres();
  url = await cluster.createDatabase('bus');
}, 90_000);

afterAll(async () => {
  await cluster?.stop();
}, 60_000);

/** Waits (bounded) until `check` holds. */
async function until(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe.skipIf(!HAVE_POSTGRES)('the PostgreSQL bus between hub instances', () => {
  it('delivers to the others in order (not back to the sender), events over NOTIFY’s 8,000-byte limit whole; events before subscribe are kept', async () => {
    const a = await PgInstanceBus.open(url, () => undefined);
    const b = await PgInstanceBus.open(url, () => undefined);
    const c = await PgInstanceBus.open(url, () => undefined);
    const atB: Array<[string, InstanceEvent]> = [];
    const atA: InstanceEvent[] = [];
    a.subscribe((_from, e) => void atA.push(e));
    // A large log line (multi-byte text) must cross whole: it is sent in parts.
    const big = 'ж€😀 '.repeat(6_000);
    const sent: InstanceEvent[] = [
      { type: 'lease.changed', leaseId: 'lease-1', ended: false, holds: [{ workerId: 'wkr-1', gpuUuids: ['GPU-1'] }] },
      { type: 'to.renter', leaseId: 'lease-1', event: { type: 'lease.log', leaseId: 'lease-1', rank: 0, stream: 'stdout', text: big, atMs: 1 } },
      { type: 'worker.offline', workerId: 'wkr-1' },
    ];
    for (const e of sent) a.publish(e);
    await new Promise((r) => setTimeout(r, 300));
    b.subscribe(async (from, e) => {
      // A slow handler: the next event waits for it (a reload finishes before what depends on it).
      await new Promise((r) => setTimeout(r, 20));
      atB.push([from, e]);
    });
    await until(() => atB.length === 3);
    expect(atB).toEqual(sent.map((e) => [a.instanceId, e]));
    expect(atA).toEqual([]);
    // The others see which instances are alive; a closed (or killed) one's session is gone.
    expect(await b.liveInstances()).toEqual(new Set([a.instanceId, b.instanceId, c.instanceId]));
    await c.close();
    const deadline = Date.now() + 10_000;
    while ((await b.liveInstances()).has(c.instanceId) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(await b.liveInstances()).toEqual(new Set([a.instanceId, b.instanceId]));
    await a.close();
    await b.close();
  }, 60_000);

  it('reports a lost connection, so the instance stops serving rather than serve blind', async () => {
    const lost: Array<Error | null> = [];
    const bus = await PgInstanceBus.open(url, (error) => lost.push(error));
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    // Ends the listening session from the server side, as a database restart or a network cut would.
    await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [`idlegrid-hub:${bus.instanceId}`]);
    await until(() => lost.length > 0);
    await bus.close();
    await admin.end();
  }, 60_000);
});
