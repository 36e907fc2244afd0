import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Address } from '@solana/kit';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHub, openHubChain } from '../../../hub';
import type { OpenHubChain, RunningHub } from '../../../hub';
import { testLogger } from '../../../hub/testing/test-logger';
import { gpus, hardware, MODELS, offerTerms } from '../../../hub/testing/market-fixtures';
import { createTestWallet } from '../../../hub/testing/test-wallet';
import { killAllWorkers, WorkerHandle } from '../../../hub/testing/worker-handle';
import { ChainClient } from '../../../solana/rpc/chain-client';
import { createAppServices } from '../../app/app-services';
import type { AppServices } from '../../app/app-services';
import { PassphraseKeyProtection } from '../../wallet/passphrase-key-protection';
import { mountSmallDisk, smallDiskSkipReason } from '../../worker/test-support/full-disk';
import type { SmallDisk } from '../../worker/test-support/full-disk';

// Issue 19, item 11: a renter whose data disk is full. A transfer went on chain while the
// call failed with a bare "database or disk is full", and a receipt stayed 'signed'/'sent'
// although the hub had credited it. Real parts: the renter app on a real tmpfs data dir
// the test fills, a real hub on loopback over its sandbox chain, a supplier as a real
// worker process that verifies its payment on chain.
const INCREMENT_MS = 4_000;
const PASSPHRASE = 'correct horse battery staple';
const job = { image: '127.0.0.1:5000/idlegrid/busybox:1', command: ['sh', '-c', 'sleep 3600'], masterPort: 29500 };
const fixturesBin = resolve(__dirname, '../../../fixtures/bin');
const savedPath = process.env.PATH;
const skip = smallDiskSkipReason();
if (skip) console.warn(`[skip] a renter on a full data disk: ${skip}`);

let dir: string;
let disk: SmallDisk;
let chain: OpenHubChain;
let hub: RunningHub;
let rpc: ChainClient;
let app: AppServices;
let fillOnSign = false;
let asked = 0;

async function startRenter(create: boolean): Promise<AppServices> {
  const dataDir = join(disk.dir, 'renter');
  const services = createAppServices({
    shell: 'headless',
    dataDir,
    version: '0.0.0-test',
    keyProtection: new PassphraseKeyProtection({ file: join(dataDir, 'wallets', 'passphrase.json'), scrypt: { N: 2 ** 14, r: 8, p: 1 } }),
    renter: {
      autoPayTickMs: 100,
      // The disk fills between recording the signed transfer and sending it.
      afterPaymentSigned: () => {
        if (fillOnSign) disk.fill();
      },
    },
  });
  services.settings.update({ network: 'grid', hubUrl: hub.url });
  services.events.on('wallet:confirm-request', (request) => {
    asked++;
    void services.handlers['wallet:confirm']({ id: request.id, approved: true, passphrase: PASSPHRASE });
  });
  await services.start();
  await services.handlers['wallet:unlock']({ passphrase: PASSPHRASE });
  if (create) {
    await services.handlers['wallet:create']({});
    await services.handlers['wallet:faucet']({ sol: true, usdc: true });
  }
  return services;
}

const usdcOf = async (owner: string) => (await rpc.tokenBalance(owner as Address, chain.config.mint as Address)).amount;
const renterUsdc = async () => BigInt((await app.wallet.service.balances()).tokenAmount);
const quote1 = () => app.handlers['rent:quote']({ gpuCount: 1, constraints: { gpuModel: '4090', sameModel: true }, job, durationMs: INCREMENT_MS });

(skip ? describe.skip : describe)('a renter on a full data disk (real tmpfs, hub, chain, supplier process)', () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'idlegrid-renter-full-'));
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    symlinkSync(join(fixturesBin, 'nvidia-smi'), join(bin, 'nvidia-smi'));
    process.env.PATH = `${bin}:${savedPath}`;
    disk = mountSmallDisk(32);
    chain = await openHubChain({ kind: 'sandbox', logger: testLogger, dataDir: join(dir, 'grid'), host: '127.0.0.1', port: 0, slotIntervalMs: 0 });
    hub = await startHub({
      logger: testLogger,
      dataDir: join(dir, 'grid'),
      host: '127.0.0.1',
      port: 0,
      chain: chain.config,
      timing: { incrementMs: INCREMENT_MS, graceMs: 1_500, heartbeatIntervalMs: 500, tickMs: 100, reservationTtlMs: 60_000 },
      // Two leases on one fresh machine (hub-trust.test.ts tests the caps).
      limits: { newcomerCaps: false },
    });
    rpc = new ChainClient(chain.config.rpcUrl!);
    const rig = gpus(MODELS.rtx4090.name, 2, MODELS.rtx4090.vramMiB, 'full-a');
    await WorkerHandle.start({
      hubUrl: hub.url,
      walletHex: createTestWallet().privateKeyHex,
      machineId: 'machine-full-a-0001',
      hardware: hardware(rig),
      region: 'eu-west',
      offers: [offerTerms(rig.map((g) => g.uuid), '360000')],
      verifyOnRpc: chain.config.rpcUrl!,
    });
    app = await startRenter(true);
  }, 120_000);

  afterAll(async () => {
    disk?.free();
    await app?.stop();
    await killAllWorkers();
    await hub?.close();
    await chain?.stop();
    rpc?.close();
    disk?.remove();
    process.env.PATH = savedPath;
    rmSync(dir, { recursive: true, force: true });
  });

  it('a payment that cannot be recorded before it is sent is not sent, and the message says nothing was paid', async () => {
    const quote = await quote1();
    const payment = quote.firstIncrement.payments[0]!;
    const payeeBefore = await usdcOf(payment.payee);
    const renterBefore = await renterUsdc();
    disk.fill();
    try {
      await expect(app.handlers['rent:pay']({ leaseId: quote.leaseId })).rejects.toThrow(/^Nothing was paid: The disk is full.*was not sent\. Free some space and pay again\./);
    } finally {
      disk.free();
    }
    expect(await usdcOf(payment.payee)).toBe(payeeBefore);
    expect(await renterUsdc()).toBe(renterBefore);
  }, 60_000);

  it('a transfer that went on chain but could not be recorded says so (signature and all), and its receipt is healed at the next start', async () => {
    const quote = await quote1();
    const payment = quote.firstIncrement.payments[0]!;
    const payeeBefore = await usdcOf(payment.payee);
    const renterBefore = await renterUsdc();
    fillOnSign = true;
    let message = '';
    try {
      await app.handlers['rent:pay']({ leaseId: quote.leaseId });
    } catch (error) {
      message = (error as Error).message;
    } finally {
      fillOnSign = false;
    }
    const signature = /\(transaction (\w+)\)/.exec(message)?.[1];
    expect(message).toMatch(/^The hub credited the transfer of 0\.\d+ USDC \(transaction \w+\), but this app could not record that: The disk is full.*never paid twice\./);
    expect(signature).toBeTruthy();
    // The money moved once, to the supplier, and the hub has it.
    expect((await usdcOf(payment.payee)) - payeeBefore).toBe(BigInt(payment.amount));
    expect(renterBefore - (await renterUsdc())).toBe(BigInt(payment.amount));
    expect((await app.hub.withSession((c) => c.lease(quote.leaseId))).increments[0]!.payments[0]!.signature).toBe(signature);

    // The lease runs out (one increment) while the app is down; then there is room again.
    await app.stop();
    disk.free();
    const ended = await (async () => {
      const until = Date.now() + 30_000;
      for (;;) {
        const view = await hub.store.getLease(quote.leaseId);
        if (view?.state === 'ended' || Date.now() > until) return view;
        await new Promise((r) => setTimeout(r, 200));
      }
    })();
    expect(ended?.state).toBe('ended');
    const ledgerFile = join(disk.dir, 'renter', 'ledger.db');
    const stateOf = () => {
      const db = new Database(ledgerFile, { readonly: true });
      try {
        return (db.prepare('SELECT state FROM rent_payments WHERE signature = ?').pluck().get(signature) as string | undefined) ?? null;
      } finally {
        db.close();
      }
    };
    expect(['signed', 'sent']).toContain(stateOf());

    const askedBefore = asked;
    app = await startRenter(false);
    // At start the hub's word heals the receipt: credited, so 'submitted' and in Spending, once.
    const until = Date.now() + 20_000;
    while (stateOf() !== 'submitted' && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    expect(stateOf()).toBe('submitted');
    const receipts = (await app.handlers['rent:receipts']({ limit: 200 })).filter((r) => r.leaseId === quote.leaseId);
    expect(receipts.map((r) => r.signature)).toEqual([signature]);
    expect(asked).toBe(askedBefore);
    expect((await usdcOf(payment.payee)) - payeeBefore).toBe(BigInt(payment.amount));
  }, 90_000);
});
