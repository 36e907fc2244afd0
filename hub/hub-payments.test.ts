import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Address } from '@solana/kit';
import { HubHttpClient } from '../hub-client/hub-http-client';
import type { ClusterRequestInput, LeaseView, Quote } from '../common/hub/lease-types';
import type { LeaseEvent } from '../common/hub/renter-messages';
import { SandboxChainServer } from '../solana/sandbox/sandbox-chain-server';
import { RenterFeed } from '../hub-client/renter-feed';
import { ChainPaymentCheck } from './payments/chain-payment-check';
import { spawnHub, killAllHubs } from './testing/hub-process';
import { gpus, hardware, MODELS, offerTerms } from './testing/market-fixtures';
import { SandboxPayer } from './testing/sandbox-payer';
import { startTestHub } from './testing/test-hub';
import type { TestHub } from './testing/test-hub';
import { createTestWallet } from './testing/test-wallet';
import { killAllWorkers, WorkerHandle } from './testing/worker-handle';
import type { WorkerProcessConfig } from './testing/worker-process';
import { refusal } from './testing/refusal';
import { testLogger } from './testing/test-logger';
import { parsePaymentMemo } from '../common/money/payment-memo';

// Payments against the real sandbox chain (LiteSVM behind JSON-RPC on loopback): real SPL
// transfers with memo and reference, built by the wallet's payment builder, verified by
// the hub through the wallet's PaymentVerifier — and by each worker process for itself.


const job = { image: '127.0.0.1:5000/idlegrid/busybox:1', command: ['sh', '-c', 'sleep 3600'] };

let chainDir: string;
let chain: SandboxChainServer;
let mint: string;

beforeAll(async () => {
  chainDir = mkdtempSync(join(tmpdir(), 'idlegrid-hub-chain-'));
  chain = new SandboxChainServer({ logger: testLogger, dataDir: chainDir, slotIntervalMs: 0 });
  await chain.start();
  mint = chain.chain.usdcMint;
});

afterAll(async () => {
  await killAllWorkers();
  await killAllHubs();
  await chain?.stop();
  rmSync(chainDir, { recursive: true, force: true });
});

async function payIncrement(payer: SandboxPayer, client: HubHttpClient, quoteOrLease: { leaseId: string }, increment: { index: number; payments: Quote['firstIncrement']['payments'] }) {
  const receipts = [];
  for (const p of increment.payments) {
    const signature = await payer.pay(quoteOrLease.leaseId, increment.index, p);
    receipts.push(await client.submitPayment(quoteOrLease.leaseId, { increment: increment.index, payee: p.payee, signature }));
  }
  return receipts;
}

function worker(hubUrl: string, name: string, model: { name: string; vramMiB: number }, count: number, price: string, extra: Partial<WorkerProcessConfig> = {}): Promise<WorkerHandle> {
  const rig = gpus(model.name, count, model.vramMiB, name);
  return WorkerHandle.start({
    hubUrl,
    walletHex: createTestWallet().privateKeyHex,
    machineId: `machine-${name}-0001`,
    hardware: hardware(rig),
    region: 'eu-west',
    offers: [offerTerms(rig.map((g) => g.uuid), price)],
    verifyOnRpc: chain.url,
    ...extra,
  });
}

describe('hub payments on the sandbox chain', () => {
  let hub: TestHub;
  let a: WorkerHandle;
  let b: WorkerHandle;
  let payer: SandboxPayer;
  let client: HubHttpClient;
  const INCREMENT_MS = 4_000;
  const GRACE_MS = 1_500;

  beforeAll(async () => {
    hub = await startTestHub({
      chain: { network: 'sandbox', mint, rpcUrl: chain.url, payments: ChainPaymentCheck.forRpc(chain.url) },
      timing: { incrementMs: INCREMENT_MS, graceMs: GRACE_MS, reservationTtlMs: 60_000, heartbeatIntervalMs: 500, tickMs: 100 },
    });
    [a, b] = await Promise.all([worker(hub.url, 'pay-a', MODELS.rtx4090, 2, '360000'), worker(hub.url, 'pay-b', MODELS.rtx4090, 1, '400000')]);
    payer = await SandboxPayer.create(chain.url, mint);
    client = new HubHttpClient({ baseUrl: hub.url });
    await client.signIn(payer.address, payer.signMessage);
  }, 60_000);

  afterAll(async () => {
    await a?.kill();
    await b?.kill();
    await hub?.stop();
  });

  const cluster = (durationMs: number): ClusterRequestInput => ({ gpuCount: 3, constraints: { gpuModel: '4090' }, job, durationMs });

  it('verifies each payment on chain, starts the lease when the first increment is paid in full, and tells the workers', async () => {
    const quote = await client.quote(cluster(3 * INCREMENT_MS));
    expect(quote.placement.nodes.map((n) => n.workerId)).toEqual([a.workerId, b.workerId]);
    const feed = new RenterFeed({ hubUrl: hub.url, token: async () => client.token! });
    const events: LeaseEvent[] = [];
    feed.on('event', (e) => events.push(e));
    const subscribed = new Promise<LeaseView>((resolve) => feed.once('lease', resolve));
    feed.follow(quote.leaseId);
    feed.start();
    expect((await subscribed).state).toBe('reserved');

    const [first, second] = quote.firstIncrement.payments;
    const sigA = await payer.pay(quote.leaseId, 0, first!);
    const receiptA = await client.submitPayment(quote.leaseId, { increment: 0, payee: first!.payee, signature: sigA });
    expect(receiptA).toMatchObject({ amount: first!.amount, incrementPaid: false });
    expect((await client.lease(quote.leaseId)).state).toBe('reserved'); // one of two suppliers paid: not yet
    expect(a.hubMessages().some((m) => m.type === 'lease.paid')).toBe(false);

    const sigB = await payer.pay(quote.leaseId, 0, second!);
    expect((await client.submitPayment(quote.leaseId, { increment: 0, payee: second!.payee, signature: sigB })).incrementPaid).toBe(true);

    // Each worker is told of its own payment, checks it on chain itself, then runs.
    const paidA = await a.waitForHub('lease.paid', (m) => m.leaseId === quote.leaseId);
    expect(paidA).toMatchObject({ increment: 0, signature: sigA, amount: first!.amount, reference: first!.reference, memo: first!.memo });
    expect(parsePaymentMemo(first!.memo)).toEqual({ hubId: (await client.info()).hubId, leaseId: quote.leaseId, increment: 0 });
    expect(await a.waitFor((r) => r.event === 'verified' && r.leaseId === quote.leaseId)).toMatchObject({ ok: true });
    expect(await b.waitFor((r) => r.event === 'verified' && r.leaseId === quote.leaseId)).toMatchObject({ ok: true });
    for (let i = 0; i < 100 && !events.some((e) => e.type === 'lease.state' && e.state === 'running'); i++) await new Promise((r) => setTimeout(r, 50));
    expect(events.filter((e) => e.type === 'lease.state').map((e) => e.type === 'lease.state' && e.state)).toEqual(['paid', 'starting', 'running']);
    const running = await client.lease(quote.leaseId);
    expect(running.transitions.map((t) => t.to)).toEqual(['reserved', 'paid', 'starting', 'running']);
    expect(running.nodes.map((n) => n.state)).toEqual(['running', 'running']);
    expect(running.paidSoFar).toBe(String(BigInt(first!.amount) + BigInt(second!.amount)));
    expect(running.paidThroughMs).toBe(running.startedAtMs! + INCREMENT_MS);
    const payments = events.flatMap((e) => (e.type === 'lease.payment' ? [e.signature] : []));
    expect(payments.sort()).toEqual([sigA, sigB].sort());

    // The next increment, paid in time: the workers learn they are paid further.
    const next = running.increments[1]!;
    await payIncrement(payer, client, quote, next);
    const paid1 = await a.waitForHub('lease.paid', (m) => m.leaseId === quote.leaseId && m.increment === 1);
    expect(paid1.paidThroughMs).toBe(running.startedAtMs! + 2 * INCREMENT_MS);
    expect(await a.waitFor((r) => r.event === 'verified' && r.leaseId === quote.leaseId && r.increment === 1)).toMatchObject({ ok: true });

    const stats = await client.explorerStats();
    // Two increments, which sum exactly to two increments' time (the second may be a base unit less).
    expect(BigInt(stats.volumePaidAllTime)).toBe([...quote.firstIncrement.payments, ...next.payments].reduce((sum, p) => sum + BigInt(p.amount), 0n));
    expect(stats.leasesRunning).toBe(1);
    expect(stats.gpusLeased).toBe(3);
    const recent = await client.explorerPayments(10);
    expect(recent.map((p) => p.signature)).toEqual(expect.arrayContaining([sigA, sigB]));
    expect(recent.find((p) => p.signature === sigA)).toMatchObject({ leaseId: quote.leaseId, payer: payer.address, payee: first!.payee });

    const ended = await client.terminate(quote.leaseId);
    expect(ended.endReason).toBe('terminated');
    await a.waitForHub('lease.stop', (m) => m.leaseId === quote.leaseId);
    feed.stop();
  });

  it('rejects wrong payments with the verifier\'s reason, and credits a signature once', async () => {
    const quote = await client.quote(cluster(2 * INCREMENT_MS));
    const [first, second] = quote.firstIncrement.payments;
    const short = await payer.pay(quote.leaseId, 0, first!, { amount: BigInt(first!.amount) - 1n });
    const shortRefusal = await refusal(client.submitPayment(quote.leaseId, { increment: 0, payee: first!.payee, signature: short }));
    expect([shortRefusal.code, shortRefusal.reason]).toEqual(['payment_rejected', 'amount_too_low']);
    const wrongMemo = await payer.pay(quote.leaseId, 0, first!, { increment: 1, memo: first!.memo.replace(/:0$/, ':1') });
    expect((await refusal(client.submitPayment(quote.leaseId, { increment: 0, payee: first!.payee, signature: wrongMemo }))).reason).toBe('wrong_memo');
    const wrongRecipient = await payer.pay(quote.leaseId, 0, first!, { recipient: second!.payee as Address });
    expect((await refusal(client.submitPayment(quote.leaseId, { increment: 0, payee: first!.payee, signature: wrongRecipient }))).reason).toBe('wrong_recipient');
    const noReference = await payer.pay(quote.leaseId, 0, first!, { reference: second!.reference as Address });
    expect((await refusal(client.submitPayment(quote.leaseId, { increment: 0, payee: first!.payee, signature: noReference }))).reason).toBe('missing_reference');
    const unknown = '1'.repeat(64);
    const notFound = await refusal(client.submitPayment(quote.leaseId, { increment: 0, payee: first!.payee, signature: unknown }));
    expect([notFound.code, notFound.reason]).toEqual(['unavailable', 'not_found']); // may still land: try again later

    const before = BigInt((await client.explorerStats()).volumePaidAllTime);
    const good = await payer.pay(quote.leaseId, 0, first!);
    const receipt = await client.submitPayment(quote.leaseId, { increment: 0, payee: first!.payee, signature: good });
    // The same signature again (a retry after a lost answer): the same receipt, no second credit.
    expect(await client.submitPayment(quote.leaseId, { increment: 0, payee: first!.payee, signature: good })).toEqual(receipt);
    // The same signature for another payment: refused (it pays someone else).
    expect((await refusal(client.submitPayment(quote.leaseId, { increment: 0, payee: second!.payee, signature: good }))).code).toBe('payment_rejected');
    // A second, different transfer for a payment already paid: refused before the chain is asked.
    const twice = await payer.pay(quote.leaseId, 0, first!);
    expect((await refusal(client.submitPayment(quote.leaseId, { increment: 0, payee: first!.payee, signature: twice }))).code).toBe('conflict');
    expect(BigInt((await client.explorerStats()).volumePaidAllTime) - before).toBe(BigInt(first!.amount));
    await client.terminate(quote.leaseId);
    // The same signature presented for another lease: refused.
    const other = await client.quote({ gpuCount: 1, constraints: { gpuModel: '4090' }, job, durationMs: INCREMENT_MS });
    const reuse = await refusal(client.submitPayment(other.leaseId, { increment: 0, payee: other.firstIncrement.payments[0]!.payee, signature: good }));
    expect(reuse.code).toMatch(/payment_rejected|conflict/);
    expect(BigInt((await client.explorerStats()).volumePaidAllTime) - before).toBe(BigInt(first!.amount));
    await client.terminate(other.leaseId);
  });

  it('stops the workers when an increment is not paid within the grace period', async () => {
    const quote = await client.quote(cluster(3 * INCREMENT_MS));
    await payIncrement(payer, client, quote, quote.firstIncrement);
    await a.waitFor((r) => r.event === 'verified' && r.leaseId === quote.leaseId);
    // Increment 1 is never paid.
    const stopA = await a.waitForHub('lease.stop', (m) => m.leaseId === quote.leaseId, 20_000);
    const stopB = await b.waitForHub('lease.stop', (m) => m.leaseId === quote.leaseId, 20_000);
    expect([stopA.reason, stopB.reason]).toEqual(['unpaid', 'unpaid']);
    expect(stopA.message).toMatch(/increment 1 was not paid within the grace period/);
    const view = await client.lease(quote.leaseId);
    expect([view.state, view.endReason]).toEqual(['ended', 'unpaid']);
    expect(view.transitions.at(-1)!.atMs).toBeGreaterThanOrEqual(view.startedAtMs! + INCREMENT_MS + GRACE_MS);
    expect((await client.renterReputation(payer.address)).incrementsMissed).toBe(1);
    // Paying the missed increment after the end is refused with a reason: an ended lease does not restart.
    const late = await payer.pay(quote.leaseId, 1, view.increments[1]!.payments[0]!);
    await expect(client.submitPayment(quote.leaseId, { increment: 1, payee: view.increments[1]!.payments[0]!.payee, signature: late })).rejects.toMatchObject({ code: 'conflict' });
    expect((await client.searchOffers({ gpuModel: '4090' })).offers.reduce((n, o) => n + o.freeGpus, 0)).toBe(3);
  });

  it('ends unpaid, not completed, when the machines stop an unpaid lease before the hub does', async () => {
    const quote = await client.quote({ gpuCount: 1, constraints: { gpuModel: '4090' }, job, durationMs: 2 * INCREMENT_MS });
    const node = quote.placement.nodes[0]!;
    const w = node.workerId === a.workerId ? a : b;
    await payIncrement(payer, client, quote, quote.firstIncrement);
    await w.waitFor((r) => r.event === 'verified' && r.leaseId === quote.leaseId);
    for (let i = 0; i < 50 && (await client.lease(quote.leaseId)).state !== 'running'; i++) await new Promise((r) => setTimeout(r, 100));
    const started = (await client.lease(quote.leaseId)).startedAtMs!;
    // Past the paid increment, inside the grace: the supplier's own clock stops the job.
    await new Promise((r) => setTimeout(r, Math.max(0, started + INCREMENT_MS + 200 - Date.now())));
    w.send({ cmd: 'node', leaseId: quote.leaseId, state: 'exited', exitCode: 0 });
    const stop = await w.waitForHub('lease.stop', (m) => m.leaseId === quote.leaseId);
    expect(stop.reason).toBe('unpaid');
    expect((await client.lease(quote.leaseId)).endReason).toBe('unpaid');
  });

  it('completes when the job exits on every machine, and counts it for the suppliers', async () => {
    const quote = await client.quote({ gpuCount: 1, constraints: { gpuModel: '4090' }, job, durationMs: 2 * INCREMENT_MS });
    const node = quote.placement.nodes[0]!;
    const w = node.workerId === a.workerId ? a : b;
    await payIncrement(payer, client, quote, quote.firstIncrement);
    await w.waitFor((r) => r.event === 'verified' && r.leaseId === quote.leaseId);
    for (let i = 0; i < 50 && (await client.lease(quote.leaseId)).state !== 'running'; i++) await new Promise((r) => setTimeout(r, 100));
    const before = (await client.workerReputation(w.workerId)).leasesCompleted;
    w.send({ cmd: 'node', leaseId: quote.leaseId, state: 'exited', exitCode: 0 });
    const stop = await w.waitForHub('lease.stop', (m) => m.leaseId === quote.leaseId);
    expect(stop.reason).toBe('completed');
    const view = await client.lease(quote.leaseId);
    expect([view.state, view.endReason, view.nodes[0]!.state]).toEqual(['ended', 'completed', 'exited']);
    expect((await client.workerReputation(w.workerId)).leasesCompleted).toBe(before + 1);
  });
});

describe('a machine lost mid-lease', () => {
  let hub: TestHub;
  afterAll(async () => {
    await killAllWorkers();
    await hub?.stop();
  });

  it('ends the lease as supplier-lost after the grace period, stops the other machines and marks only the lost supplier', async () => {
    hub = await startTestHub({
      chain: { network: 'sandbox', mint, rpcUrl: chain.url, payments: ChainPaymentCheck.forRpc(chain.url) },
      timing: { incrementMs: 60_000, graceMs: 5_000, supplierLostGraceMs: 1_500, heartbeatIntervalMs: 300, tickMs: 100 },
    });
    const [c, d] = await Promise.all([worker(hub.url, 'lost-c', MODELS.v100, 1, '600000'), worker(hub.url, 'lost-d', MODELS.v100, 1, '600000')]);
    const payer = await SandboxPayer.create(chain.url, mint);
    const client = new HubHttpClient({ baseUrl: hub.url });
    await client.signIn(payer.address, payer.signMessage);
    const quote = await client.quote({ gpuCount: 2, constraints: { gpuModel: 'V100' }, job, durationMs: 120_000 });
    await payIncrement(payer, client, quote, quote.firstIncrement);
    await c.waitFor((r) => r.event === 'verified' && r.leaseId === quote.leaseId);
    await d.waitFor((r) => r.event === 'verified' && r.leaseId === quote.leaseId);

    await d.kill(); // kill -9 of the supplier's machine
    const stop = await c.waitForHub('lease.stop', (m) => m.leaseId === quote.leaseId, 20_000);
    expect(stop.reason).toBe('supplier-lost');
    expect(stop.message).toContain(d.workerId);
    const view = await client.lease(quote.leaseId);
    expect([view.state, view.endReason]).toEqual(['ended', 'supplier-lost']);
    expect((await client.workerReputation(d.workerId)).leasesEndedBySupplier).toBe(1);
    expect((await client.workerReputation(c.workerId)).leasesEndedBySupplier).toBe(0);
    expect((await client.workerReputation(d.workerId)).online).toBe(false);
    // The survivor's GPU is free again; the lost machine is not listed.
    expect((await client.searchOffers({ gpuModel: 'V100' })).offers.map((o) => [o.workerId, o.freeGpus])).toEqual([[c.workerId, 1]]);
  });
});

describe('hub kill -9 and restart mid-lease', () => {
  let dataDir: string;
  afterEach(async () => {
    await killAllWorkers();
    await killAllHubs();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps the lease running and every payment credited exactly once', async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'idlegrid-hub-restart-'));
    const INCREMENT_MS = 20_000;
    const args = (port: number) => [
      '--port', String(port), '--data-dir', dataDir, '--rpc', chain.url, '--mint', mint,
      '--increment-ms', String(INCREMENT_MS), '--grace-ms', '5000', '--heartbeat-interval-ms', '300', '--supplier-lost-grace-ms', '15000', '--tick-ms', '100',
    ];
    let hub = await spawnHub(args(0));
    const port = hub.port;
    const [a, b] = await Promise.all([worker(hub.url, 'kill-a', MODELS.a100, 1, '1800000'), worker(hub.url, 'kill-b', MODELS.a100, 1, '1800000')]);
    const payer = await SandboxPayer.create(chain.url, mint);
    const client = new HubHttpClient({ baseUrl: hub.url });
    await client.signIn(payer.address, payer.signMessage);
    const quote = await client.quote({ gpuCount: 2, constraints: { gpuModel: 'A100' }, job, durationMs: 3 * INCREMENT_MS });
    const firstReceipts = await payIncrement(payer, client, quote, quote.firstIncrement);
    await a.waitFor((r) => r.event === 'verified' && r.leaseId === quote.leaseId);
    await b.waitFor((r) => r.event === 'verified' && r.leaseId === quote.leaseId);
    let view = await client.lease(quote.leaseId);
    for (let i = 0; i < 50 && view.state !== 'running'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      view = await client.lease(quote.leaseId);
    }
    expect(view.state).toBe('running');
    const transitionsBefore = view.transitions;

    await hub.kill('SIGKILL');
    await a.waitFor((r) => r.event === 'disconnected');
    hub = await spawnHub(args(port));
    expect(hub.port).toBe(port);

    // The workers reconnect by themselves and are told to keep the lease.
    const resumed = await a.waitFor((r) => r.event === 'hub' && r.message.type === 'welcome' && r.message.leases.some((l) => l.leaseId === quote.leaseId), 20_000);
    expect(resumed.event === 'hub' && resumed.message.type === 'welcome' && resumed.message.leases[0]!.state).toBe('running');
    expect(a.hubMessages().filter((m) => m.type === 'lease.stop')).toEqual([]);

    // The renter's session survived; the lease is as it was, with nothing recorded twice.
    const after = await client.lease(quote.leaseId);
    expect(after.state).toBe('running');
    expect(after.transitions).toEqual(transitionsBefore);
    expect(after.paidSoFar).toBe(quote.perIncrement.total);
    // Submitting the first increment's signatures again changes nothing.
    for (const receipt of firstReceipts) {
      expect(await client.submitPayment(quote.leaseId, { increment: 0, payee: receipt.payee, signature: receipt.signature })).toEqual({ ...receipt, incrementPaid: true });
    }
    expect((await client.explorerStats()).volumePaidAllTime).toBe(quote.perIncrement.total);

    // The next increment is paid to the restarted hub and reaches the workers.
    await payIncrement(payer, client, after, after.increments[1]!);
    await a.waitForHub('lease.paid', (m) => m.leaseId === quote.leaseId && m.increment === 1);
    expect(await b.waitFor((r) => r.event === 'verified' && r.leaseId === quote.leaseId && r.increment === 1)).toMatchObject({ ok: true });
    const final = await client.lease(quote.leaseId);
    expect(final.state).toBe('running');
    // Two increments: the second may be one base unit less, so both sum to exactly two increments' time.
    const twoIncrements = final.increments.slice(0, 2).flatMap((i) => i.payments).reduce((sum, p) => sum + BigInt(p.amount), 0n);
    expect(BigInt(final.paidSoFar)).toBe(twoIncrements);
    expect(BigInt((await client.explorerStats()).volumePaidAllTime)).toBe(twoIncrements);
    expect((await client.explorerPayments(50)).filter((p) => p.leaseId === quote.leaseId)).toHaveLength(4);
    await client.terminate(quote.leaseId);
    await hub.kill('SIGTERM');
  });
});
