import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HubHttpClient } from '../hub-client/hub-http-client';
import type { HubError } from '../common/hub/hub-errors';
import type { LeaseView, Quote } from '../common/hub/lease-types';
import type { LeaseEvent } from '../common/hub/renter-messages';
import { RenterFeed } from '../hub-client/renter-feed';
import { SandboxChainServer } from '../solana/sandbox/sandbox-chain-server';
import { PgDeadlineKeeper } from './instances/pg-deadline-keeper';
import { PgInstanceBus } from './instances/pg-instance-bus';
import { ChainPaymentCheck } from './payments/chain-payment-check';
import { PgHubStore } from './store/postgres/pg-hub-store';
import { gpus, hardware, MODELS, offerTerms } from './testing/market-fixtures';
import { postgresAvailable, startPrivatePostgres } from './testing/private-postgres';
import type { PrivatePostgres } from './testing/private-postgres';
import { SandboxPayer } from './testing/sandbox-payer';
import { startTestHub } from './testing/test-hub';
import type { TestHub } from './testing/test-hub';
import { createTestWallet } from './testing/test-wallet';
import { killAllWorkers, WorkerHandle } from './testing/worker-handle';
import { testLogger } from './testing/test-logger';

// Two hub instances serving one private PostgreSQL at once: workers and renters on either,
// placement exact across them (the store's GPU holds), events carried by LISTEN/NOTIFY.

const job = { image: '127.0.0.1:5000/idlegrid/busybox:1', command: ['sh', '-c', 'sleep 3600'] };
const HAVE_POSTGRES = postgresAvailable('the several-instances test');

let chainDir: string;
let chain: SandboxChainServer;
let pg: PrivatePostgres;
const hubs: TestHub[] = [];

async function instance(url: string, mint: string): Promise<TestHub> {
  const store = await PgHubStore.open({ url });
  const bus = await PgInstanceBus.open(url, (error) => testLogger.error({ err: error }, 'bus lost'));
  const keeper = PgDeadlineKeeper.start(url, { onHeld: () => undefined, onLost: () => undefined, onError: () => undefined });
  const hub = await startTestHub({
    store,
    hubId: 'grid-test',
    instances: { bus, keeper, goneCheckMs: 500 },
    chain: { network: 'sandbox', mint, rpcUrl: chain.url, payments: ChainPaymentCheck.forRpc(chain.url) },
    timing: { heartbeatIntervalMs: 500, tickMs: 100, reservationTtlMs: 120_000 },
  });
  hubs.push(hub);
  return hub;
}

function worker(hubUrl: string, name: string, model: { name: string; vramMiB: number }): Promise<WorkerHandle> {
  const rig = gpus(model.name, 1, model.vramMiB, name);
  return WorkerHandle.start({
    hubUrl,
    walletHex: createTestWallet().privateKeyHex,
    machineId: `machine-${name}-0001`,
    hardware: hardware(rig),
    region: 'eu-west',
    offers: [offerTerms(rig.map((g) => g.uuid), '900000')],
    verifyOnRpc: chain.url,
  });
}

async function renter(hub: TestHub): Promise<HubHttpClient> {
  const wallet = createTestWallet();
  const client = new HubHttpClient({ baseUrl: hub.url });
  await client.signIn(wallet.address, wallet.signMessage);
  return client;
}

/** Waits (bounded) until `check` holds. */
async function until(what: string, check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe.skipIf(!HAVE_POSTGRES)('several hub instances serving one PostgreSQL at once', () => {
  let a: TestHub;
  let b: TestHub;
  let mint: string;

  beforeAll(async () => {
    chainDir = mkdtempSync(join(tmpdir(), 'idlegrid-instances-chain-'));
    chain = new SandboxChainServer({ logger: testLogger, dataDir: chainDir, slotIntervalMs: 0 });
    await chain.start();
    mint = chain.chain.usdcMint;
    pg = await startPrivatePostgres();
    const url = await pg.createDatabase('instances');
    a = await instance(url, mint);
    b = await instance(url, mint);
  }, 120_000);

  afterAll(async () => {
    await killAllWorkers();
    for (const hub of hubs.splice(0)) await hub.stop();
    await chain?.stop();
    await pg?.stop();
    if (chainDir) rmSync(chainDir, { recursive: true, force: true });
  }, 120_000);

  it('six concurrent quotes spread over both instances for the last two GPUs: exactly two win, on different GPUs', async () => {
    // One machine on each instance: each instance learns of the other's worker and offer by the bus.
    const [w1, w2] = await Promise.all([worker(a.url, 'race-a', MODELS.a100), worker(b.url, 'race-b', MODELS.a100)]);
    for (const hub of [a, b]) {
      await until('both A100 offers listed on every instance', async () => (await new HubHttpClient({ baseUrl: hub.url }).searchOffers({ gpuModel: 'A100' })).offers.length === 2);
    }
    const clients = await Promise.all([a, b, a, b, a, b].map((hub) => renter(hub)));
    const results = await Promise.allSettled(clients.map((c) => c.quote({ gpuCount: 1, constraints: { gpuModel: 'A100' }, job, durationMs: 3_600_000 })));
    const won = results.filter((r): r is PromiseFulfilledResult<Quote> => r.status === 'fulfilled').map((r) => r.value);
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason as HubError);
    expect(won).toHaveLength(2);
    expect(lost.map((e) => e.code)).toEqual(['no_capacity', 'no_capacity', 'no_capacity', 'no_capacity']);
    const gpusWon = won.map((q) => q.placement.nodes.map((n) => n.workerId).join());
    expect(new Set(gpusWon).size).toBe(2);
    // Both instances agree nothing is left, and a seventh quote on either is refused.
    for (const hub of [a, b]) {
      await until('no free A100 on every instance', async () => hub.offers.ofWorker(w1.workerId)[0]!.freeGpus.length === 0 && hub.offers.ofWorker(w2.workerId)[0]!.freeGpus.length === 0);
      await expect((await renter(hub)).quote({ gpuCount: 1, constraints: { gpuModel: 'A100' }, job, durationMs: 3_600_000 })).rejects.toMatchObject({ code: 'no_capacity' });
    }
    // Terminated on one instance: the GPUs are free again on both.
    for (const [i, q] of won.entries()) await clients[results.findIndex((r) => r.status === 'fulfilled' && r.value.leaseId === q.leaseId)]!.terminate(q.leaseId).catch((e: unknown) => Promise.reject(new Error(`terminate ${i}: ${String(e)}`)));
    for (const hub of [a, b]) {
      await until('the A100s free again on every instance', async () => hub.offers.ofWorker(w1.workerId)[0]!.freeGpus.length === 1 && hub.offers.ofWorker(w2.workerId)[0]!.freeGpus.length === 1);
    }
  }, 120_000);

  it('a lease quoted and paid on instance A starts on a machine connected to instance B; the renter on B sees it', async () => {
    const w = await worker(b.url, 'cross-b', MODELS.v100);
    await until('the V100 offer listed on A', async () => (await new HubHttpClient({ baseUrl: a.url }).searchOffers({ gpuModel: 'V100' })).offers.length === 1);
    const payer = await SandboxPayer.create(chain.url, mint);
    const client = new HubHttpClient({ baseUrl: a.url });
    await client.signIn(payer.address, payer.signMessage);
    const quote = await client.quote({ gpuCount: 1, constraints: { gpuModel: 'V100' }, job, durationMs: 3_600_000 });
    // lease.assigned reached the worker on B through the bus.
    await w.waitFor((r) => r.event === 'hub' && r.message.type === 'lease.assigned' && r.message.lease.leaseId === quote.leaseId);
    // The renter follows the lease on B's socket: A's events (payments, states) reach it there.
    const feed = new RenterFeed({ hubUrl: b.url, token: async () => client.token! });
    const events: LeaseEvent[] = [];
    feed.on('event', (e) => events.push(e));
    const subscribed = new Promise<LeaseView>((resolve) => feed.once('lease', resolve));
    feed.follow(quote.leaseId);
    feed.start();
    expect((await subscribed).state).toBe('reserved');
    for (const p of quote.firstIncrement.payments) {
      const signature = await payer.pay(quote.leaseId, 0, p);
      await client.submitPayment(quote.leaseId, { increment: 0, payee: p.payee, signature });
    }
    // lease.paid crossed to B; the worker verified it on chain and reported running to B.
    expect(await w.waitFor((r) => r.event === 'verified' && r.leaseId === quote.leaseId, 20_000)).toMatchObject({ ok: true });
    await until('the lease running as seen on A', async () => (await client.lease(quote.leaseId)).state === 'running');
    await until('the renter on B told of the payment and of running', async () => events.some((e) => e.type === 'lease.payment') && events.some((e) => e.type === 'lease.state' && e.state === 'running'));
    feed.stop();
    // The renter's session works on B too (the same database), and B reads the same lease.
    const onB = new HubHttpClient({ baseUrl: b.url, token: client.token! });
    const viewB = await onB.lease(quote.leaseId);
    expect(viewB.state).toBe('running');
    expect(viewB.paidSoFar).toBe(quote.perIncrement.total);
    expect(w.hubMessages().filter((m) => m.type === 'lease.paid')).toHaveLength(1);
    // Another renter, on either instance, can neither read nor end it: it is not theirs.
    for (const hub of [a, b]) {
      const stranger = await renter(hub);
      await expect(stranger.lease(quote.leaseId)).rejects.toMatchObject({ code: 'not_found', reason: 'lease_not_found' });
      await expect(stranger.terminate(quote.leaseId)).rejects.toMatchObject({ code: 'not_found', reason: 'lease_not_found' });
    }
    // Ended on B (the worker's instance): the worker hears lease.stop, and A frees the GPU.
    await onB.terminate(quote.leaseId);
    await w.waitFor((r) => r.event === 'hub' && r.message.type === 'lease.stop' && r.message.leaseId === quote.leaseId);
    await until('the V100 free again on A', async () => a.offers.ofWorker(w.workerId)[0]!.freeGpus.length === 1);
  }, 120_000);
});
