import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Address, Signature } from '@solana/kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RentLease, RentLeaseEvent } from '../../../common/market/rent-types';
import type { SigningRequest } from '../../../common/wallet/wallet-types';
import { startHub } from '../../../hub';
import { testLogger } from '../../../hub/testing/test-logger';
import type { RunningHub } from '../../../hub';
import { openHubChain } from '../../../hub';
import type { OpenHubChain } from '../../../hub';
import { gpus, hardware, MODELS, offerTerms } from '../../../hub/testing/market-fixtures';
import { createTestWallet } from '../../../hub/testing/test-wallet';
import { killAllWorkers, WorkerHandle } from '../../../hub/testing/worker-handle';
import { createAppServices } from '../../app/app-services';
import type { AppServices } from '../../app/app-services';
import { PassphraseKeyProtection } from '../../wallet/passphrase-key-protection';
import { ChainClient } from '../../../solana/rpc/chain-client';
import { costForIncrement } from '../../../common/hub/base-units';

// Integration: the renter as the real composition root (a private grid), a real hub on
// loopback over its sandbox chain, and two suppliers as real worker processes that
// verify their payments on chain. Payments are real SPL transfers; confirmations are
// answered through `wallet:confirm`, as the UI does.
const INCREMENT_MS = 4_000;
const GRACE_MS = 1_500;
const PASSPHRASE = 'correct horse battery staple';
const job = { image: '127.0.0.1:5000/idlegrid/busybox:1', command: ['sh', '-c', 'sleep 3600'], masterPort: 29500 };
const fixturesBin = resolve(__dirname, '../../../fixtures/bin');
const savedPath = process.env.PATH;

let dir: string;
let chain: OpenHubChain;
let hub: RunningHub;
let rpc: ChainClient;
let a: WorkerHandle;
let b: WorkerHandle;
let app: AppServices;
let approve = true;
let crashAfterSend = false;
const confirmations: SigningRequest[] = [];
const leaseUpdates: RentLease[] = [];
const leaseEvents: RentLeaseEvent[] = [];

function supplier(name: string, count: number, price: string): Promise<WorkerHandle> {
  const rig = gpus(MODELS.rtx4090.name, count, MODELS.rtx4090.vramMiB, name);
  return WorkerHandle.start({
    hubUrl: hub.url,
    walletHex: createTestWallet().privateKeyHex,
    machineId: `machine-${name}-0001`,
    hardware: hardware(rig),
    region: 'eu-west',
    offers: [offerTerms(rig.map((g) => g.uuid), price)],
    verifyOnRpc: chain.config.rpcUrl!,
  });
}

/** The renter's app on `dataDir` (started, wallet unlocked), answering confirmations as told. */
async function startRenter(dataDir: string, create: boolean): Promise<AppServices> {
  const services = createAppServices({
    shell: 'headless',
    dataDir,
    version: '0.0.0-test',
    // Every approval checks the passphrase again (issue 14.2): test-strength scrypt keeps
    // that check quick next to 4-second increments.
    keyProtection: new PassphraseKeyProtection({ file: join(dataDir, 'wallets', 'passphrase.json'), scrypt: { N: 2 ** 14, r: 8, p: 1 } }),
    renter: {
      autoPayTickMs: 100,
      afterPaymentSent: () => {
        if (crashAfterSend) throw new Error('simulated crash between sending and telling the hub');
      },
    },
  });
  services.settings.update({ network: 'grid', hubUrl: hub.url });
  services.events.on('wallet:confirm-request', (request) => {
    confirmations.push(request);
    void services.handlers['wallet:confirm']({ id: request.id, approved: approve, ...(approve ? { passphrase: PASSPHRASE } : {}) });
  });
  services.events.on('rent:lease', (lease) => leaseUpdates.push(lease));
  services.events.on('rent:lease-event', (event) => leaseEvents.push(event));
  await services.start();
  await services.handlers['wallet:unlock']({ passphrase: PASSPHRASE });
  if (create) {
    await services.handlers['wallet:create']({});
    await services.handlers['wallet:faucet']({ sol: true, usdc: true });
  }
  return services;
}

async function eventually<T>(read: () => T | Promise<T>, ok: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: T = await read();
  while (!ok(last)) {
    if (Date.now() > until) throw new Error(`not reached within ${timeoutMs} ms; last: ${JSON.stringify(last).slice(0, 2000)}`);
    await new Promise((r) => setTimeout(r, 100));
    last = await read();
  }
  return last;
}

const usdcOf = async (owner: string) => (await rpc.tokenBalance(owner as Address, chain.config.mint as Address)).amount;
const renterUsdc = async () => BigInt((await app.wallet.service.balances()).tokenAmount);
const leaseOf = (leaseId: string) => app.handlers['rent:lease']({ leaseId });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'idlegrid-renter-'));
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
    timing: { incrementMs: INCREMENT_MS, graceMs: GRACE_MS, heartbeatIntervalMs: 500, tickMs: 100, reservationTtlMs: 60_000 },
  });
  rpc = new ChainClient(chain.config.rpcUrl!);
  [a, b] = await Promise.all([supplier('rent-a', 2, '360000'), supplier('rent-b', 1, '400000')]);
  app = await startRenter(join(dir, 'renter'), true);
}, 120_000);

afterAll(async () => {
  await app?.stop();
  await killAllWorkers();
  await hub?.close();
  await chain?.stop();
  rpc?.close();
  process.env.PATH = savedPath;
  rmSync(dir, { recursive: true, force: true });
});

/** What increment `k` (0-based, as on the wire) of a quoted cluster costs: what the hub and the suppliers compute. */
function incrementCost(quote: { incrementMs: number; placement: { nodes: Array<{ pricePerGpuHour: string; gpuIds: string[] }> } }, k: number): bigint {
  return quote.placement.nodes.reduce((sum, n) => sum + costForIncrement(BigInt(n.pricePerGpuHour), n.gpuIds.length, quote.incrementMs, k), 0n);
}

describe('renting on a private grid', () => {
  it('searches, quotes, pays both suppliers on chain, follows the lease with nodes and logs, then ends it unpaid without auto-pay', async () => {
    const page = await app.handlers['rent:search']({ gpuModel: '4090', sort: 'price', offset: 0, limit: 50 });
    expect(page.offers.map((o) => o.workerId).sort()).toEqual([a.workerId, b.workerId].sort());
    expect(page.offers.every((o) => typeof o.reliability === 'number')).toBe(true);

    const quote = await app.handlers['rent:quote']({ gpuCount: 3, constraints: { gpuModel: '4090', sameModel: true }, job, durationMs: 2 * INCREMENT_MS });
    expect(quote.decimals).toBe(6);
    expect(quote.placement.nodes.map((n) => n.workerId)).toEqual([a.workerId, b.workerId]);
    const payments = quote.firstIncrement.payments;
    const before = await Promise.all(payments.map((p) => usdcOf(p.payee)));
    const renterBefore = await renterUsdc();

    const asked = confirmations.length;
    const paid = await app.handlers['rent:pay']({ leaseId: quote.leaseId });
    expect(confirmations.length - asked).toBe(2); // one per supplier
    expect(confirmations.slice(asked).map((c) => c.kind)).toEqual(['payment', 'payment']);
    expect(paid.lease.state).not.toBe('reserved');
    const after = await Promise.all(payments.map((p) => usdcOf(p.payee)));
    expect(after.map((x, i) => x - before[i]!)).toEqual(payments.map((p) => BigInt(p.amount)));
    expect(renterBefore - (await renterUsdc())).toBe(BigInt(quote.perIncrement.total));

    // Both machines verified their own payment on chain and run.
    const running = await eventually(() => leaseOf(quote.leaseId), (l) => l.lease.state === 'running' && l.lease.nodes.every((n) => n.state === 'running'));
    expect(running.nextDue).toMatchObject({ increment: 1, amount: incrementCost(quote, 1).toString() });
    expect(running.autoPay).toMatchObject({ enabled: false, limit: '0', spent: '0', dayPaid: '0' });
    expect(leaseUpdates.some((l) => l.lease.leaseId === quote.leaseId && l.lease.state === 'running')).toBe(true);

    a.send({ cmd: 'log', leaseId: quote.leaseId, stream: 'stdout', text: 'hello from rank 0' });
    b.send({ cmd: 'log', leaseId: quote.leaseId, stream: 'stderr', text: 'warming up rank 1' });
    const withLogs = await eventually(() => leaseOf(quote.leaseId), (l) => l.logs.length >= 2);
    expect(withLogs.logs.map((l) => [l.rank, l.stream, l.text.trim()]).sort()).toEqual([[0, 'stdout', 'hello from rank 0'], [1, 'stderr', 'warming up rank 1']]);
    expect(leaseEvents.some((e) => e.leaseId === quote.leaseId && e.event.type === 'lease.log')).toBe(true);

    const receipts = await app.handlers['rent:receipts']({ limit: 200 });
    const hubSignatures = paid.lease.increments[0]!.payments.map((p) => p.signature).sort();
    expect(receipts.filter((r) => r.leaseId === quote.leaseId).map((r) => r.signature).sort()).toEqual(hubSignatures);
    expect(receipts.every((r) => r.autoApproved === false && r.increment === 0)).toBe(true);

    // No auto-pay and nobody pays increment 1: the hub ends the lease and the renter sees why.
    const ended = await eventually(() => leaseOf(quote.leaseId), (l) => l.lease.state === 'ended', 3 * INCREMENT_MS + GRACE_MS);
    expect(ended.lease.endReason).toBe('unpaid');
    expect(ended.problem).toMatch(/ended unpaid.*increment 1.*Rent again/s);
    expect(ended.nextDue).toBeNull();
    expect(confirmations.length - asked).toBe(2);
  }, 60_000);

  it('auto-pays the next increment from the budget without asking and stops at the budget; the renter pays the rest', async () => {
    const quote = await app.handlers['rent:quote']({ gpuCount: 1, constraints: { gpuModel: '4090', sameModel: true }, job, durationMs: 3 * INCREMENT_MS });
    // Increments may differ by a base unit (they sum exactly to the lease's cost).
    const [inc0, inc1, inc2] = [0, 1, 2].map((k) => incrementCost(quote, k)) as [bigint, bigint, bigint];
    const asked = confirmations.length;
    const renterBefore = await renterUsdc();
    const paid = await app.handlers['rent:pay']({ leaseId: quote.leaseId, autoPayBudget: (inc0 + inc1).toString() });
    // The owner confirmed the budget itself (issue 14.2); increment 0 came out of it.
    expect(confirmations.slice(asked).map((c) => c.kind)).toEqual(['auto-pay']);
    expect(paid.autoPay).toMatchObject({ enabled: true, limit: (inc0 + inc1).toString(), spent: inc0.toString() });
    // Shown with every budget: what auto-pay spent today over all leases, against the owner's daily cap.
    expect(paid.autoPay.dayPaid).toBe(inc0.toString());
    expect(paid.autoPay.dayCap).toBe(app.settings.get().autoPayDailyCap);

    // Increment 1 is paid before it is due, without a question.
    const second = await eventually(() => leaseOf(quote.leaseId), (l) => l.nextDue?.increment === 2, 2 * INCREMENT_MS);
    expect(confirmations.length).toBe(asked + 1);
    expect(second.autoPay.spent).toBe((inc0 + inc1).toString());
    expect(second.lease.state).toBe('running');

    // Increment 2 does not fit the budget: nothing is paid, and the lease says so.
    const stuck = await eventually(() => leaseOf(quote.leaseId), (l) => (l.problem ?? '').includes('auto-pay budget'), 2 * INCREMENT_MS);
    expect(stuck.nextDue).toMatchObject({ increment: 2, amount: inc2.toString() });
    expect(renterBefore - (await renterUsdc())).toBe(inc0 + inc1);
    const receipts = (await app.handlers['rent:receipts']({ limit: 200 })).filter((r) => r.leaseId === quote.leaseId);
    expect(receipts.map((r) => [r.increment, r.autoApproved])).toEqual([[1, true], [0, true]]);

    // The renter pays it by hand (a confirmation), the lease keeps running.
    const manual = await app.handlers['rent:pay-next']({ leaseId: quote.leaseId });
    expect(confirmations.length).toBe(asked + 2);
    expect(manual.nextDue).toBeNull();
    expect(manual.problem).toBeNull();
    expect(renterBefore - (await renterUsdc())).toBe(inc0 + inc1 + inc2);
    const done = await app.handlers['rent:terminate']({ leaseId: quote.leaseId });
    expect(done.lease.endReason).toBe('terminated');
  }, 60_000);

  it('extends a lease (the new increments are paid as they come due) and terminates it', async () => {
    const quote = await app.handlers['rent:quote']({ gpuCount: 2, constraints: { gpuModel: '4090', sameModel: true }, job, durationMs: INCREMENT_MS });
    // Declined: nothing is signed, nothing recorded; paying again asks again.
    const renterBefore = await renterUsdc();
    approve = false;
    await expect(app.handlers['rent:pay']({ leaseId: quote.leaseId })).rejects.toThrow(/You declined/);
    approve = true;
    expect(await renterUsdc()).toBe(renterBefore);
    expect((await app.handlers['rent:receipts']({ limit: 200 })).some((r) => r.leaseId === quote.leaseId)).toBe(false);
    await app.handlers['rent:pay']({ leaseId: quote.leaseId });
    expect((await leaseOf(quote.leaseId)).nextDue).toBeNull();
    const extended = await app.handlers['rent:extend']({ leaseId: quote.leaseId, increments: 2 });
    expect(extended.lease.incrementCount).toBe(3);
    expect(extended.nextDue).toMatchObject({ increment: 1, amount: incrementCost(quote, 1).toString() });
    // Auto-pay turned on afterwards covers the next increment.
    const state = await app.handlers['rent:set-auto-pay']({ leaseId: quote.leaseId, enabled: true, budget: quote.perIncrement.total });
    expect(state).toMatchObject({ enabled: true, limit: quote.perIncrement.total, spent: '0' });
    await eventually(() => leaseOf(quote.leaseId), (l) => l.nextDue?.increment === 2, 2 * INCREMENT_MS);

    const workers = [...new Set(quote.placement.nodes.map((n) => n.workerId))].map((id) => (id === a.workerId ? a : b));
    const terminated = await app.handlers['rent:terminate']({ leaseId: quote.leaseId });
    expect(terminated.lease).toMatchObject({ state: 'ended', endReason: 'terminated' });
    expect(terminated.problem).toBeNull();
    for (const w of workers) expect((await w.waitForHub('lease.stop', (m) => m.leaseId === quote.leaseId)).reason).toBe('terminated');
    const listed = await app.handlers['rent:leases']({ limit: 50 });
    expect(listed.find((l) => l.lease.leaseId === quote.leaseId)?.lease.state).toBe('ended');
  }, 30_000);

  it('after a crash between sending a payment and telling the hub, the restarted app submits it and does not pay twice', async () => {
    const quote = await app.handlers['rent:quote']({ gpuCount: 1, constraints: { gpuModel: '4090', sameModel: true }, job, durationMs: INCREMENT_MS });
    const payment = quote.firstIncrement.payments[0]!;
    const payeeBefore = await usdcOf(payment.payee);
    const renterBefore = await renterUsdc();
    crashAfterSend = true;
    await expect(app.handlers['rent:pay']({ leaseId: quote.leaseId })).rejects.toThrow(/simulated crash/);
    crashAfterSend = false;
    expect((await app.hub.withSession((c) => c.lease(quote.leaseId))).state).toBe('reserved'); // the hub never heard
    await app.stop();

    const asked = confirmations.length;
    app = await startRenter(join(dir, 'renter'), false);
    // On start the app hands the recorded signature to the hub; paying again finds it paid.
    const lease = await app.handlers['rent:pay']({ leaseId: quote.leaseId });
    expect(lease.lease.state).not.toBe('reserved');
    expect(confirmations.length).toBe(asked);
    expect((await usdcOf(payment.payee)) - payeeBefore).toBe(BigInt(payment.amount));
    expect(renterBefore - (await renterUsdc())).toBe(BigInt(payment.amount));
    const receipts = (await app.handlers['rent:receipts']({ limit: 200 })).filter((r) => r.leaseId === quote.leaseId);
    expect(receipts).toHaveLength(1);
    expect(receipts[0]!.signature).toBe(lease.lease.increments[0]!.payments[0]!.signature);
    await app.handlers['rent:terminate']({ leaseId: quote.leaseId });
  }, 60_000);
  it('a renter killed -9 between signing and sending a payment sends the same transaction at its next start: paid at once, and once', async () => {
    // Issue 19, item 8: the signed-but-unsent payment blocked paying for 120 s (the lease
    // could end unpaid meanwhile). Now the signed transaction is stored with its receipt.
    const quote = await app.handlers['rent:quote']({ gpuCount: 1, constraints: { gpuModel: '4090', sameModel: true }, job, durationMs: INCREMENT_MS });
    const payment = quote.firstIncrement.payments[0]!;
    const payeeBefore = await usdcOf(payment.payee);
    const renterBefore = await renterUsdc();
    await app.stop();

    const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'test-support', 'sign-then-crash.ts'), join(dir, 'renter'), quote.leaseId, PASSPHRASE], { env: process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const killedBy = await new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    expect(killedBy, out).toBe('SIGKILL');
    const signature = /signed (\w+)/.exec(out)?.[1];
    expect(signature, out).toBeTruthy();
    // Nothing left the machine: the chain does not know the signature, no token moved.
    expect(await rpc.signatureStatus(signature as Signature)).toBeNull();
    expect(await usdcOf(payment.payee)).toBe(payeeBefore);

    const asked = confirmations.length;
    app = await startRenter(join(dir, 'renter'), false);
    // Paying now (well inside the blockhash's life) sends the stored transaction: no
    // "wait a minute", no second question, no second transfer.
    const paid = await eventually(
      () => Promise.resolve(app.handlers['rent:pay']({ leaseId: quote.leaseId })).catch((error: Error) => ({ error: error.message })),
      (r) => !('error' in r),
      20_000,
    );
    if ('error' in paid) throw new Error(paid.error);
    expect(paid.lease.state).not.toBe('reserved');
    expect(paid.lease.increments[0]!.payments[0]!.signature).toBe(signature);
    expect(confirmations.length).toBe(asked);
    expect((await usdcOf(payment.payee)) - payeeBefore).toBe(BigInt(payment.amount));
    expect(renterBefore - (await renterUsdc())).toBe(BigInt(payment.amount));
    const receipts = (await app.handlers['rent:receipts']({ limit: 200 })).filter((r) => r.leaseId === quote.leaseId);
    expect(receipts.map((r) => r.signature)).toEqual([signature]);
    await app.handlers['rent:terminate']({ leaseId: quote.leaseId });
  }, 90_000);
  it('after a restart, follows the open lease again and resumes auto-pay from the stored budget', async () => {
    const quote = await app.handlers['rent:quote']({ gpuCount: 1, constraints: { gpuModel: '4090', sameModel: true }, job, durationMs: 2 * INCREMENT_MS });
    const perIncrement = BigInt(quote.perIncrement.total);
    await app.handlers['rent:pay']({ leaseId: quote.leaseId, autoPayBudget: (2n * perIncrement).toString() });
    await app.stop();
    const asked = confirmations.length;
    app = await startRenter(join(dir, 'renter'), false);
    const followed = await eventually(() => leaseOf(quote.leaseId), (l) => l.autoPay.enabled);
    expect(followed.autoPay).toMatchObject({ enabled: true, limit: (2n * perIncrement).toString(), spent: perIncrement.toString() });
    // The new process pays increment 1 from what is left of the budget, without asking.
    const paid = await eventually(() => leaseOf(quote.leaseId), (l) => l.lease.increments[1]?.payments.every((p) => p.signature !== null) === true, 2 * INCREMENT_MS);
    expect(paid.autoPay.spent).toBe((2n * perIncrement).toString());
    expect(confirmations.length).toBe(asked);
    expect(leaseUpdates.some((l) => l.lease.leaseId === quote.leaseId && l.lease.increments[1]?.payments[0]?.signature)).toBe(true);
    await app.handlers['rent:terminate']({ leaseId: quote.leaseId });
  }, 30_000);
});
