import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HubHttpClient } from '../hub-client/hub-http-client';
import type { Quote } from '../common/hub/lease-types';
import { SandboxChainServer } from '../solana/sandbox/sandbox-chain-server';
import { spawnHub, killAllHubs } from './testing/hub-process';
import { gpus, hardware, MODELS, offerTerms } from './testing/market-fixtures';
import { postgresAvailable, startPrivatePostgres } from './testing/private-postgres';
import type { PrivatePostgres } from './testing/private-postgres';
import { SandboxPayer } from './testing/sandbox-payer';
import { createTestWallet } from './testing/test-wallet';
import { killAllWorkers, WorkerHandle } from './testing/worker-handle';
import { testLogger } from './testing/test-logger';

// Two hub processes on one private PostgreSQL, both serving. The one holding the workers and
// the renter (and the deadline keeper's lock) is killed with SIGKILL mid-lease; the workers
// and the renter move to the other by their lists of hub URLs, it takes over the deadlines,
// and the lease goes on with every payment counted once.

const job = { image: '127.0.0.1:5000/idlegrid/busybox:1', command: ['sh', '-c', 'sleep 3600'] };
const INCREMENT_MS = 20_000;

let chainDir: string;
const dataDirs: string[] = [];
let chain: SandboxChainServer;
let mint: string;
let pg: PrivatePostgres;

const HAVE_POSTGRES = postgresAvailable('the hub failover test');

beforeAll(async () => {
  if (!HAVE_POSTGRES) return;
  chainDir = mkdtempSync(join(tmpdir(), 'idlegrid-failover-chain-'));
  chain = new SandboxChainServer({ logger: testLogger, dataDir: chainDir, slotIntervalMs: 0 });
  await chain.start();
  mint = chain.chain.usdcMint;
  pg = await startPrivatePostgres();
}, 120_000);

afterAll(async () => {
  await killAllWorkers();
  await killAllHubs();
  await chain?.stop();
  await pg?.stop();
  if (chainDir) rmSync(chainDir, { recursive: true, force: true });
}, 120_000);

afterEach(async () => {
  await killAllWorkers();
  await killAllHubs();
  for (const d of dataDirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function hubArgs(store: string, port: number): string[] {
  const dataDir = mkdtempSync(join(tmpdir(), 'idlegrid-failover-hub-'));
  dataDirs.push(dataDir);
  return [
    '--port', String(port), '--data-dir', dataDir, '--store', store, '--rpc', chain.url, '--mint', mint,
    '--increment-ms', String(INCREMENT_MS), '--grace-ms', '5000', '--heartbeat-interval-ms', '300', '--supplier-lost-grace-ms', '15000', '--tick-ms', '100',
  ];
}

/** A loopback port free right now. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Waits (bounded) for a line in a hub process's output. */
async function waitForOutput(hub: { output: string[] }, text: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!hub.output.join('').includes(text)) {
    if (Date.now() > deadline) throw new Error(`no "${text}" within ${timeoutMs} ms:\n${hub.output.join('')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function payIncrement(payer: SandboxPayer, client: HubHttpClient, leaseId: string, increment: { index: number; payments: Quote['firstIncrement']['payments'] }) {
  const receipts = [];
  for (const p of increment.payments) {
    const signature = await payer.pay(leaseId, increment.index, p);
    receipts.push(await client.submitPayment(leaseId, { increment: increment.index, payee: p.payee, signature }));
  }
  return receipts;
}

describe.skipIf(!HAVE_POSTGRES)('hub instances on PostgreSQL: kill -9 of one mid-lease', () => {
  it('the other instance takes its workers, renter and deadlines; the lease continues, nothing lost or credited twice, the next increment reaches the workers', async () => {
    const store = await pg.createDatabase('failover');
    const [portA, portB] = [await freePort(), await freePort()];
    const active = await spawnHub(hubArgs(store, portA));
    await waitForOutput(active, 'now applies lease deadlines');
    // Both instances serve from the start; A holds the deadline keeper's lock.
    const other = await spawnHub(hubArgs(store, portB));
    const urlB = other.url;
    expect((await fetch(`${urlB}/v1/info`)).status).toBe(200);
    expect(other.output.join('')).not.toContain('now applies lease deadlines');

    const worker = (name: string) => {
      const rig = gpus(MODELS.a100.name, 1, MODELS.a100.vramMiB, name);
      return WorkerHandle.start({
        hubUrl: active.url,
        otherHubUrls: [urlB],
        walletHex: createTestWallet().privateKeyHex,
        machineId: `machine-${name}-0001`,
        hardware: hardware(rig),
        region: 'eu-west',
        offers: [offerTerms(rig.map((g) => g.uuid), '1800000')],
        verifyOnRpc: chain.url,
      });
    };
    const [a, b] = await Promise.all([worker('fo-a'), worker('fo-b')]);
    const payer = await SandboxPayer.create(chain.url, mint);
    const client = new HubHttpClient({ baseUrl: active.url, otherBaseUrls: [urlB] });
    await client.signIn(payer.address, payer.signMessage);
    const quote = await client.quote({ gpuCount: 2, constraints: { gpuModel: 'A100' }, job, durationMs: 3 * INCREMENT_MS });
    const firstReceipts = await payIncrement(payer, client, quote.leaseId, quote.firstIncrement);
    await a.waitFor((r) => r.event === 'verified' && r.leaseId === quote.leaseId);
    await b.waitFor((r) => r.event === 'verified' && r.leaseId === quote.leaseId);
    let view = await client.lease(quote.leaseId);
    for (let i = 0; i < 50 && view.state !== 'running'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      view = await client.lease(quote.leaseId);
    }
    expect(view.state).toBe('running');
    const transitionsBefore = view.transitions;
    // B heard of A's workers over the bus, and reads the lease running (in the store, not
    // only in A's memory: A decides, then writes, and the kill may come between).
    expect((await new HubHttpClient({ baseUrl: urlB }).explorerStats()).workersOnline).toBe(2);
    const onB = new HubHttpClient({ baseUrl: urlB, token: client.token! });
    for (let i = 0; i < 50 && (await onB.lease(quote.leaseId)).state !== 'running'; i++) await new Promise((r) => setTimeout(r, 100));
    expect((await onB.lease(quote.leaseId)).transitions).toEqual(transitionsBefore);

    await active.kill('SIGKILL');
    const takenOver = other;
    await waitForOutput(takenOver, 'now applies lease deadlines', 30_000);

    // The workers reconnect to the standby by themselves and are told to keep the lease.
    for (const w of [a, b]) {
      const resumed = await w.waitFor((r) => r.event === 'hub' && r.message.type === 'welcome' && r.message.leases.some((l) => l.leaseId === quote.leaseId), 30_000);
      expect(resumed.event === 'hub' && resumed.message.type === 'welcome' && resumed.message.leases[0]!.state).toBe('running');
      expect(w.hubMessages().filter((m) => m.type === 'lease.stop')).toEqual([]);
    }

    // The renter's client moves to the standby; its session survived; nothing was recorded twice.
    const after = await client.lease(quote.leaseId);
    expect(client.baseUrl).toBe(urlB);
    expect(after.state).toBe('running');
    expect(after.transitions).toEqual(transitionsBefore);
    expect(after.paidSoFar).toBe(quote.perIncrement.total);
    for (const receipt of firstReceipts) {
      expect(await client.submitPayment(quote.leaseId, { increment: 0, payee: receipt.payee, signature: receipt.signature })).toEqual({ ...receipt, incrementPaid: true });
    }
    expect((await client.explorerStats()).volumePaidAllTime).toBe(quote.perIncrement.total);

    // The next increment is paid to the standby and reaches the workers, who verify it on chain.
    await payIncrement(payer, client, quote.leaseId, after.increments[1]!);
    for (const w of [a, b]) expect(await w.waitFor((r) => r.event === 'verified' && r.leaseId === quote.leaseId && r.increment === 1, 20_000)).toMatchObject({ ok: true });
    const final = await client.lease(quote.leaseId);
    expect(final.state).toBe('running');
    // Two increments: the second may be one base unit less, so both sum to exactly two increments' time.
    const twoIncrements = final.increments.slice(0, 2).flatMap((i) => i.payments).reduce((sum, p) => sum + BigInt(p.amount), 0n);
    expect(BigInt(final.paidSoFar)).toBe(twoIncrements);
    expect(BigInt((await client.explorerStats()).volumePaidAllTime)).toBe(twoIncrements);
    expect((await client.explorerPayments(50)).filter((p) => p.leaseId === quote.leaseId)).toHaveLength(4);
    await client.terminate(quote.leaseId);
    await takenOver.kill('SIGTERM');
  }, 240_000);
});
