import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { HubHttpClient } from '../hub-client/hub-http-client';
import { SandboxChainServer } from '../solana/sandbox/sandbox-chain-server';
import { spawnHub, killAllHubs } from './testing/hub-process';
import { gpus, hardware, MODELS, offerTerms } from './testing/market-fixtures';
import { SandboxPayer } from './testing/sandbox-payer';
import { createTestWallet } from './testing/test-wallet';
import { killAllWorkers, WorkerHandle } from './testing/worker-handle';
import { testLogger } from './testing/test-logger';

// Issue 19, item 6: a hub killed after crediting increment 0 but before marking the lease
// paid used the pre-crash credit time as the start on restore, so the renter paid for the
// hub's downtime (the machines ran 5.3 s of 30 s paid). The paid period starts when the
// machines are told to start: at the restore.
let chainDir: string;
let dataDir: string;
let chain: SandboxChainServer;

beforeAll(async () => {
  chainDir = mkdtempSync(join(tmpdir(), 'idlegrid-hub-chain-'));
  dataDir = mkdtempSync(join(tmpdir(), 'idlegrid-hub-paid-start-'));
  chain = new SandboxChainServer({ logger: testLogger, dataDir: chainDir, slotIntervalMs: 0 });
  await chain.start();
});

afterAll(async () => {
  await killAllWorkers();
  await killAllHubs();
  await chain?.stop();
  rmSync(chainDir, { recursive: true, force: true });
  rmSync(dataDir, { recursive: true, force: true });
});

it('a hub killed between crediting increment 0 and marking the lease paid starts the paid period at its restore', async () => {
  const INCREMENT_MS = 30_000;
  const mint = chain.chain.usdcMint;
  const args = (port: number) => [
    '--port', String(port), '--data-dir', dataDir, '--rpc', chain.url, '--mint', mint,
    '--increment-ms', String(INCREMENT_MS), '--grace-ms', '5000', '--heartbeat-interval-ms', '300', '--supplier-lost-grace-ms', '30000', '--tick-ms', '100',
  ];
  let hub = await spawnHub(args(0));
  const port = hub.port;
  const rig = gpus(MODELS.a100.name, 1, MODELS.a100.vramMiB, 'start-a');
  await WorkerHandle.start({
    hubUrl: hub.url,
    walletHex: createTestWallet().privateKeyHex,
    machineId: 'machine-start-a-0001',
    hardware: hardware(rig),
    region: 'eu-west',
    offers: [offerTerms(rig.map((g) => g.uuid), '1800000')],
    verifyOnRpc: chain.url,
  });
  const payer = await SandboxPayer.create(chain.url, mint);
  const client = new HubHttpClient({ baseUrl: hub.url });
  await client.signIn(payer.address, payer.signMessage);
  const quote = await client.quote({ gpuCount: 1, constraints: { gpuModel: 'A100' }, job: { image: '127.0.0.1:5000/idlegrid/busybox:1', command: ['sleep', '3600'] }, durationMs: 2 * INCREMENT_MS });
  const payment = quote.firstIncrement.payments[0]!;
  const signature = await payer.pay(quote.leaseId, 0, payment);

  // The crash point: the credit is in hub.db, the "paid" transition is not.
  await hub.kill('SIGKILL');
  const creditedAtMs = Date.now();
  const db = new Database(join(dataDir, 'hub.db'));
  try {
    const credited = db
      .prepare('UPDATE lease_payments SET signature = ?, paid_at_ms = ?, on_time = 1 WHERE lease_id = ? AND increment = 0 AND payee = ?')
      .run(signature, creditedAtMs, quote.leaseId, payment.payee);
    expect(credited.changes).toBe(1);
    expect(db.prepare('SELECT state FROM leases WHERE lease_id = ?').pluck().get(quote.leaseId)).toBe('reserved');
  } finally {
    db.close();
  }
  // The hub stays down a while; the machines cannot run meanwhile.
  await new Promise((r) => setTimeout(r, 4_000));
  const restartedAtMs = Date.now();
  hub = await spawnHub(args(port));

  const view = await client.lease(quote.leaseId);
  expect(view.state).not.toBe('reserved');
  expect(view.startedAtMs).not.toBeNull();
  expect(view.startedAtMs!).toBeGreaterThanOrEqual(restartedAtMs);
  expect(view.paidThroughMs).toBe(view.startedAtMs! + INCREMENT_MS);
  await client.terminate(quote.leaseId);
  await hub.kill('SIGTERM');
}, 90_000);
