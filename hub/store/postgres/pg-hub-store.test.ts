import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresAvailable, startPrivatePostgres } from '../../testing/private-postgres';
import type { PrivatePostgres } from '../../testing/private-postgres';
import { credit, newLease, workerUpsert } from '../conformance/fixtures';
import { PgHubStore } from './pg-hub-store';

// What every HubStore promises is in hub-store.conformance.test.ts (run there against this
// store too); this file holds what only PostgreSQL does: the commit setting money writes
// use, surviving a crash of the database server, and schemas.

let cluster: PrivatePostgres;
const HAVE_POSTGRES = postgresAvailable('PgHubStore tests');

beforeAll(async () => {
  if (!HAVE_POSTGRES) return;
  cluster = await startPrivatePostgres();
}, 90_000);
afterAll(async () => {
  await cluster?.stop();
}, 90_000);

describe.skipIf(!HAVE_POSTGRES)('PgHubStore', () => {
  it('commits money and lease writes with synchronous_commit=on', async () => {
    const store = await PgHubStore.open({ url: cluster.url('postgres'), schema: 'sync_setting' });
    try {
      expect((await store.query<{ synchronous_commit: string }>('SHOW synchronous_commit')).rows[0]?.synchronous_commit).toBe('on');
    } finally {
      await store.close();
    }
  });

  it('keeps a credited payment and a created lease through a crash of the database server, and reconnects after it', async () => {
    const store = await PgHubStore.open({ url: cluster.url('postgres'), schema: 'crash', poolSize: 2 });
    try {
      await store.upsertWorker(workerUpsert('wkr-1'));
      await store.createLease(newLease('lease-a', { amount: 9_007_199_254_740_993n }));
      expect(await store.creditPayment(credit('lease-a', 0, 'sig-1'))).toEqual({ status: 'credited' });
      await cluster.crashAndRestart();
      // The pool's connections died with the server; the next calls get new ones.
      let lease = null;
      for (let attempt = 0; attempt < 5 && lease === null; attempt += 1) lease = await store.getLease('lease-a').catch(() => null);
      expect(lease?.payments.find((p) => p.signature === 'sig-1')?.amount).toBe(9_007_199_254_740_993n);
      expect(await store.volumePaidAllTime()).toBe(9_007_199_254_740_993n);
      expect(await store.creditPayment(credit('lease-a', 1, 'sig-1'))).toMatchObject({ status: 'duplicate-signature' });
    } finally {
      await store.close();
    }
  });

  it('keeps two hubs in two schemas of one database apart', async () => {
    const a = await PgHubStore.open({ url: cluster.url('postgres'), schema: 'hub_a' });
    const b = await PgHubStore.open({ url: cluster.url('postgres'), schema: 'hub_b' });
    try {
      await a.createLease(newLease('lease-a'));
      expect(await b.getLease('lease-a')).toBeNull();
      await b.createLease(newLease('lease-a'));
      expect((await a.listActiveLeases()).length).toBe(1);
      await expect(PgHubStore.open({ url: cluster.url('postgres'), schema: 'Robert"); DROP TABLE leases; --' })).rejects.toThrow(/schema name/);
    } finally {
      await a.close();
      await b.close();
    }
  });
});
