import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Address } from '@solana/kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RentLease } from '../../../common/market/rent-types';
import { startHub, openHubChain } from '../../../hub';
import type { OpenHubChain, RunningHub } from '../../../hub';
import { testLogger } from '../../../hub/testing/test-logger';
import { gpus, hardware, MODELS, offerTerms } from '../../../hub/testing/market-fixtures';
import { createTestWallet } from '../../../hub/testing/test-wallet';
import { killAllWorkers, WorkerHandle } from '../../../hub/testing/worker-handle';
import type { WorkerProcessConfig } from '../../../hub/testing/worker-process';
import { createAppServices } from '../../app/app-services';
import type { AppServices } from '../../app/app-services';
import { PassphraseKeyProtection } from '../../wallet/passphrase-key-protection';
import { ChainClient } from '../../../solana/rpc/chain-client';
import { ApiError } from '../../../common/api/errors';

// Integration (issue 13, verify then pay): the renter's app as its real composition root
// is the verifier; a real hub on loopback over its sandbox chain relays the GPU check;
// suppliers are real worker processes answering it in-process (the Sandbox's stand-in,
// device `cpu`). One supplier is a fake: it commits to and opens a product it did not
// compute. Payments are real SPL transfers on the sandbox chain.
const INCREMENT_MS = 20_000;
const PASSPHRASE = 'correct horse battery staple';
const job = { image: '127.0.0.1:5000/idlegrid/busybox:1', command: ['sh', '-c', 'sleep 3600'], masterPort: 29500 };
const fixturesBin = resolve(__dirname, '../../../fixtures/bin');
const savedPath = process.env.PATH;

let dir: string;
let chain: OpenHubChain;
let hub: RunningHub;
let rpc: ChainClient;
let honestA: WorkerHandle;
let honestB: WorkerHandle;
let app: AppServices;

function supplier(name: string, price: string, attestation: WorkerProcessConfig['attestation'] = 'honest'): Promise<WorkerHandle> {
  const rig = gpus(MODELS.rtx4090.name, 1, MODELS.rtx4090.vramMiB, name);
  return WorkerHandle.start({
    hubUrl: hub.url,
    walletHex: createTestWallet().privateKeyHex,
    machineId: `machine-${name}-0001`,
    hardware: hardware(rig),
    region: 'eu-west',
    offers: [offerTerms(rig.map((g) => g.uuid), price)],
    verifyOnRpc: chain.config.rpcUrl!,
    attestation,
  });
}

async function eventually<T>(read: () => T | Promise<T>, ok: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: T = await read();
  while (!ok(last)) {
    if (Date.now() > until) throw new Error(`not reached within ${timeoutMs} ms; last: ${JSON.stringify(last).slice(0, 2000)}`);
    await new Promise((r) => setTimeout(r, 200));
    last = await read();
  }
  return last;
}

const usdcOf = async (owner: string) => (await rpc.tokenBalance(owner as Address, chain.config.mint as Address)).amount;
const renterUsdc = async () => BigInt((await app.wallet.service.balances()).tokenAmount);
const leaseOf = async (leaseId: string): Promise<RentLease> => app.handlers['rent:lease']({ leaseId });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'idlegrid-verify-'));
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  symlinkSync(join(fixturesBin, 'nvidia-smi'), join(bin, 'nvidia-smi'));
  process.env.PATH = `${bin}:${savedPath}`;
  chain = await openHubChain({ kind: 'sandbox', logger: testLogger, dataDir: join(dir, 'grid'), host: '127.0.0.1', port: 0, slotIntervalMs: 0 });
  hub = await startHub({
    logger: testLogger,
    dataDir: join(dir, 'grid'),
    host: '127.0.0.1',
    port: 0,
    chain: chain.config,
    timing: { incrementMs: INCREMENT_MS, graceMs: 5_000, heartbeatIntervalMs: 500, tickMs: 100, reservationTtlMs: 300_000 },
  });
  rpc = new ChainClient(chain.config.rpcUrl!);
  [honestA, honestB] = await Promise.all([supplier('honest-a', '360000'), supplier('honest-b', '400000')]);
  const dataDir = join(dir, 'renter');
  app = createAppServices({
    shell: 'headless',
    dataDir,
    version: '0.0.0-test',
    keyProtection: new PassphraseKeyProtection({ file: join(dataDir, 'wallets', 'passphrase.json'), scrypt: { N: 2 ** 14, r: 8, p: 1 } }),
  });
  app.settings.update({ network: 'grid', hubUrl: hub.url });
  app.events.on('wallet:confirm-request', (request) => void app.handlers['wallet:confirm']({ id: request.id, approved: true, passphrase: PASSPHRASE }));
  await app.start();
  await app.handlers['wallet:unlock']({ passphrase: PASSPHRASE });
  await app.handlers['wallet:create']({});
  await app.handlers['wallet:faucet']({ sol: true, usdc: true });
}, 180_000);

afterAll(async () => {
  await app?.stop();
  await killAllWorkers();
  await hub?.close();
  await chain?.stop();
  rpc?.close();
  process.env.PATH = savedPath;
  rmSync(dir, { recursive: true, force: true });
});

describe('verify, then pay', () => {
  it('two honest nodes prove their GPUs through the hub, then the renter pays both and they run; the hub keeps the evidence', async () => {
    const quote = await app.handlers['rent:quote']({ gpuCount: 2, constraints: { gpuModel: '4090', sameModel: true }, job, durationMs: INCREMENT_MS });
    expect(quote.placement.nodes.map((n) => n.workerId).sort()).toEqual([honestA.workerId, honestB.workerId].sort());
    const reserved = await leaseOf(quote.leaseId);
    expect(reserved.lease.attestation?.map((a) => a.rank)).toEqual([0, 1]);

    const renterBefore = await renterUsdc();
    const paid = await app.handlers['rent:pay']({ leaseId: quote.leaseId });
    expect(paid.lease.attestation?.every((a) => a.state === 'passed') ?? paid.lease.state !== 'reserved').toBe(true);
    expect(renterBefore - (await renterUsdc())).toBe(BigInt(quote.perIncrement.total));
    await eventually(() => leaseOf(quote.leaseId), (l) => l.lease.nodes.every((n) => n.state === 'running'));

    // Each supplier was told its outcome; the hub recorded both as evidence and in reputation.
    for (const worker of [honestA, honestB]) {
      const told = await worker.waitForHub('lease.attested', (m) => m.leaseId === quote.leaseId);
      expect(told).toMatchObject({ passed: true, reason: null, advice: null });
      expect(told.message).toMatch(/Simulated on the Sandbox/);
    }
    const evidence = await app.hub.withSession((c) => c.evidence(quote.leaseId));
    const attestations = evidence.evidence.filter((e) => e.kind === 'attestation');
    expect(attestations.map((e) => [e.workerId, e.body.passed]).sort()).toEqual([[honestA.workerId, true], [honestB.workerId, true]].sort());
    const reputation = await app.hub.publicClient().workerReputation(honestA.workerId);
    expect(reputation.attestationsPassed).toBeGreaterThanOrEqual(1);
    await app.handlers['rent:terminate']({ leaseId: quote.leaseId });
  }, 180_000);

  it('a fake supplier answering with wrong rows gets nothing: no payment leaves the wallet, the renter reads why, the honest node is freed', async () => {
    const fake = await supplier('fake-c', '300000', 'wrong-rows');
    try {
      const quote = await app.handlers['rent:quote']({ gpuCount: 2, constraints: { gpuModel: '4090', sameModel: true }, job, durationMs: INCREMENT_MS });
      const fakeRank = quote.placement.nodes.findIndex((n) => n.workerId === fake.workerId);
      expect(fakeRank).toBeGreaterThanOrEqual(0);
      const payees = quote.firstIncrement.payments.map((p) => p.payee);
      const balancesBefore = await Promise.all(payees.map((p) => usdcOf(p)));
      const renterBefore = await renterUsdc();

      const refused = await Promise.resolve(app.handlers['rent:pay']({ leaseId: quote.leaseId })).then(
        () => null,
        (error: unknown) => error,
      );
      expect(refused).toBeInstanceOf(ApiError);
      expect(refused).toMatchObject({ reason: 'attestation_failed' });
      expect((refused as Error).message).toMatch(/Nothing was paid.*machine \d .*failed its GPU check: Row \d+ of the product is wrong/s);

      // Not one base unit moved: the renter's wallet, and every payee's account.
      expect(await renterUsdc()).toBe(renterBefore);
      expect(await Promise.all(payees.map((p) => usdcOf(p)))).toEqual(balancesBefore);
      expect((await app.handlers['rent:receipts']({ limit: 200 })).filter((r) => r.leaseId === quote.leaseId)).toEqual([]);

      // The renter sees why on the lease; the lease was let go.
      const ended = await eventually(() => leaseOf(quote.leaseId), (l) => l.lease.state === 'ended');
      expect(ended.lease.endReason).toBe('terminated');
      expect(ended.problem ?? '').toMatch(/failed its GPU check/);
      // Which node failed stays on the ended lease as the hub shows it (not only in this app's memory).
      const shown = await app.hub.withSession((c) => c.lease(quote.leaseId));
      expect(shown.attestation?.find((a) => a.rank === fakeRank)).toMatchObject({ state: 'failed', reason: 'attestation_wrong_row' });

      // The fake supplier is told why in plain words, and the hub counted it.
      const told = await fake.waitForHub('lease.attested', (m) => m.leaseId === quote.leaseId);
      expect(told).toMatchObject({ passed: false, reason: 'attestation_wrong_row' });
      expect(told.advice).toMatch(/wrong results/);
      const reputation = await app.hub.publicClient().workerReputation(fake.workerId);
      expect(reputation.attestationsFailed).toBe(1);

      // The honest node that passed is free again: a quote for every GPU of the grid (three machines) holds it.
      const honest = quote.placement.nodes.find((n) => n.workerId !== fake.workerId)!.workerId;
      const again = await app.handlers['rent:quote']({ gpuCount: 3, constraints: { gpuModel: '4090', sameModel: true }, job, durationMs: INCREMENT_MS });
      expect(again.placement.nodes.map((n) => n.workerId)).toContain(honest);
      await app.handlers['rent:terminate']({ leaseId: again.leaseId });
    } finally {
      await fake.kill();
    }
  }, 180_000);
});
