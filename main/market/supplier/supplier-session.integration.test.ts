import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { HubHttpClient } from '../../../hub-client/hub-http-client';
import type { Quote } from '../../../common/hub/lease-types';
import type { LendNotice, SupplierStatus } from '../../../common/market/lend-types';
import { startHub } from '../../../hub';
import { testLogger } from '../../../hub/testing/test-logger';
import type { RunningHub } from '../../../hub';
import { openHubChain } from '../../../hub';
import type { OpenHubChain } from '../../../hub';
import { SandboxPayer } from '../../../hub/testing/sandbox-payer';
import { readHookLog } from '../../../scripts/test-env/docker-env.mjs';
import { createAppServices } from '../../app/app-services';
import type { AppServices } from '../../app/app-services';
import type { WorkerClient } from '../../../hub-client/worker-client';
import { PaymentVerifier } from '../../../solana/payments/payment-verifier';
import { formatRefundMemo } from '../../../common/money/payment-memo';
import { describeWithDocker, dockerTestEnv, eventually, leftovers, rawDocker } from '../../worker/test-support/docker-test-support';
import { regionFromTimeZone } from '../../../common/market/region-default';

// Integration: the real composition root as a supplier (replayed 8× V100, a real dockerd
// with the NVIDIA hook recorder), a real hub on loopback over its sandbox chain, and a
// renter paying with real SPL transfers.
const INCREMENT_MS = 25_000;
const GRACE_MS = 2_000;
const fixturesBin = resolve(__dirname, '../../../fixtures/bin');
const savedPath = process.env.PATH;

let dir: string;
let tempFile: string;
let chain: OpenHubChain;
let hub: RunningHub;
let app: AppServices;
let payer: SandboxPayer;
let renter: HubHttpClient;
const notices: LendNotice[] = [];
let runningLeaseId: string | null = null;

const status = (): SupplierStatus => app.supplier.session.status();
const lease = (id: string) => status().leases.find((l) => l.leaseId === id);

async function quoteAndPayFirst(gpuCount: number, increments: number, command: string): Promise<Quote> {
  const quote = await renter.quote({ gpuCount, constraints: { gpuModel: 'V100' }, job: { image: dockerTestEnv.testImage, command: ['sh', '-c', command] }, durationMs: increments * INCREMENT_MS });
  const payment = quote.firstIncrement.payments[0]!;
  const signature = await payer.pay(quote.leaseId, 0, payment);
  await renter.submitPayment(quote.leaseId, { increment: 0, payee: payment.payee, signature });
  return quote;
}

describeWithDocker('supplier session (real hub, chain and Docker)', () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'idlegrid-supplier-'));
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    symlinkSync(join(fixturesBin, 'nvidia-smi'), join(bin, 'nvidia-smi'));
    tempFile = join(dir, 'temp-c');
    writeFileSync(tempFile, '45');
    process.env.PATH = `${bin}:${savedPath}`;
    process.env.IDLEGRID_REPLAY_TEMP_C_FILE = tempFile;

    chain = await openHubChain({ kind: 'sandbox', logger: testLogger, dataDir: join(dir, 'grid'), host: '127.0.0.1', port: 0, slotIntervalMs: 0 });
    hub = await startHub({
      logger: testLogger,
      dataDir: join(dir, 'grid'),
      host: '127.0.0.1',
      port: 0,
      chain: chain.config,
      timing: { incrementMs: INCREMENT_MS, graceMs: GRACE_MS, heartbeatIntervalMs: 500, tickMs: 100, reservationTtlMs: 60_000 },
      // Several leases on this one fresh machine at once (hub-trust.test.ts tests the caps).
      limits: { newcomerCaps: false },
    });
    app = createAppServices({ shell: 'headless', dataDir: join(dir, 'supplier'), version: '0.0.0-test', supplierTickMs: 250 });
    // The test registry is on 127.0.0.1: the owner allow-lists it (issue 14, item 5).
    app.settings.update({ network: 'grid', hubUrl: hub.url, allowedRegistries: ['127.0.0.1:*'] });
    app.events.on('lend:notice', (n) => notices.push(n));
    await app.start();
    await app.handlers['wallet:unlock']({ passphrase: 'correct horse battery staple' });
    await app.handlers['wallet:create']({});
    payer = await SandboxPayer.create(chain.config.rpcUrl!, chain.config.mint);
    renter = new HubHttpClient({ baseUrl: hub.url });
    await renter.signIn(payer.address, payer.signMessage);
  }, 120_000);

  afterAll(async () => {
    await app?.stop();
    await hub?.close();
    await chain?.stop();
    process.env.PATH = savedPath;
    delete process.env.IDLEGRID_REPLAY_TEMP_C_FILE;
    rmSync(dir, { recursive: true, force: true });
  });

  it('shares: one offer per model of the shared GPUs, at the owner\'s price', async () => {
    const terms = await app.handlers['lend:terms']({});
    await app.handlers['lend:set-terms']({ terms: { ...terms, pricePerGpuHour: '500000', maxTemperatureC: 80 } });
    await app.handlers['lend:start-sharing']({});
    const sharing = await eventually(() => (status().state === 'sharing' && status().offers.length > 0 ? status() : undefined), 30_000, 'sharing');
    expect(sharing.sharedGpuUuids).toHaveLength(8);
    expect(sharing.offers).toHaveLength(1);
    expect(sharing.offers[0]!.terms.gpuUuids).toHaveLength(8);
    expect(sharing.offers[0]!.terms.pricePerGpuHour).toBe('500000');
    expect(app.settings.get().lendTerms.payoutAddress).toBe(app.wallet.vault.activeAddress());
    // No region chosen: the machine's time zone gives one when sharing starts.
    expect(app.settings.get().lendTerms.region).toBe(regionFromTimeZone(Intl.DateTimeFormat().resolvedOptions().timeZone, -new Date().getTimezoneOffset()));
    // The only offer is this machine's own: the median leaves it out rather than echo it back.
    const median = await app.handlers['lend:market-median']({ gpuModel: sharing.offers[0]!.gpuModel });
    expect(median).toMatchObject({ medianPricePerGpuHour: null, offers: 0 });
  }, 60_000);

  it('verifies the payment on chain, records earnings, and runs the job with exactly the leased GPUs and the cluster env', async () => {
    const quote = await quoteAndPayFirst(2, 3, 'echo hello-from-lease; sleep 3600');
    const running = await eventually(() => (lease(quote.leaseId)?.state === 'running' ? lease(quote.leaseId) : undefined), 60_000, 'lease running');
    // The renter sees opaque ids only (issue 14.3); the supplier runs the job on its own GPUs.
    expect(running!.gpuUuids).toHaveLength(quote.placement.nodes[0]!.gpuIds.length);
    const leased = running!.gpuUuids;
    expect(JSON.stringify(quote)).not.toContain(leased[0]);
    const rows = await app.handlers['earnings:list']({ limit: 10 });
    expect(rows.filter((r) => r.leaseId === quote.leaseId)).toHaveLength(1);
    expect(rows[0]).toMatchObject({ leaseId: quote.leaseId, increment: 0, amount: quote.firstIncrement.payments[0]!.amount, reconcile: 'unchecked' });

    const job = app.worker.job(running!.jobId!);
    expect(job.state).toBe('running');
    const inspect = await rawDocker().getContainer(job.containerId!).inspect();
    const env = Object.fromEntries(inspect.Config.Env.map((e: string) => e.split(/=(.*)/s).slice(0, 2)));
    expect(env).toMatchObject({ RANK: '0', WORLD_SIZE: '1', IDLEGRID_LEASE_ID: quote.leaseId, MASTER_PORT: '29500' });
    expect(inspect.HostConfig.DeviceRequests?.[0]?.DeviceIDs).toEqual(leased);
    const calls = readHookLog(dockerTestEnv.hookLog).filter((r) => r.state?.id === job.containerId);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.nvidiaVisibleDevices).toBe(leased.join(','));
    expect(notices.map((n) => n.kind)).toEqual(expect.arrayContaining(['payment', 'job-started']));

    // The renter sees the job's output through the hub.
    await eventually(async () => (await renter.lease(quote.leaseId)).nodes[0]?.state === 'running', 20_000, 'hub node running');

    // Thermal guard: replayed GPUs at 90 °C for 10 s pause the job; 60 °C resumes it.
    writeFileSync(tempFile, '90');
    await eventually(() => lease(quote.leaseId)?.state === 'paused-hot', 30_000, 'paused-hot');
    expect(app.worker.job(job.id).state).toBe('paused');
    expect(status().state).toBe('paused-hot');
    expect(notices.some((n) => n.kind === 'overheat')).toBe(true);
    writeFileSync(tempFile, '60');
    await eventually(() => lease(quote.leaseId)?.state === 'running', 20_000, 'resumed');
    expect(app.worker.job(job.id).state).toBe('running');
    expect(notices.some((n) => n.kind === 'cooled')).toBe(true);

    // Only increment 0 was paid: after it and the grace, the job stops and nothing of it remains.
    await eventually(() => lease(quote.leaseId)?.state === 'ended', 40_000, 'lease ended unpaid');
    await eventually(() => app.worker.job(job.id).state === 'stopped', 30_000, 'job stopped');
    const left = await leftovers(app.worker.workerId);
    expect(left.containers.filter((c) => c?.includes(job.id))).toEqual([]);
    const earned = (await app.handlers['earnings:list']({ limit: 10 })).find((r) => r.leaseId === quote.leaseId)!;
    expect(earned.gpuSeconds).toBeGreaterThan(0);
    expect(earned.energyWh).toBeGreaterThan(0);
    expect(BigInt(earned.net)).toBe(BigInt(earned.amount) - BigInt(earned.energyCost));
  }, 180_000);

  it('does not run a lease whose payment does not verify on chain, whatever the hub says', async () => {
    const quote = await renter.quote({ gpuCount: 1, constraints: { gpuModel: 'V100' }, job: { image: dockerTestEnv.testImage, command: ['sh', '-c', 'sleep 3600'] }, durationMs: INCREMENT_MS });
    await eventually(() => lease(quote.leaseId), 10_000, 'lease assigned');
    // A lying hub: "paid", with the signature of a payment to someone else.
    const other = quote.firstIncrement.payments[0]!;
    const signature = await payer.pay(quote.leaseId, 0, { ...other, payee: payer.address });
    const client = (app.supplier.session as unknown as { client: WorkerClient }).client;
    client.emit('message', { type: 'lease.paid', leaseId: quote.leaseId, increment: 0, signature, amount: other.amount, reference: other.reference, memo: other.memo, paidThroughMs: Date.now() + INCREMENT_MS });
    await eventually(() => lease(quote.leaseId)?.state === 'ended', 30_000, 'refused');
    expect(lease(quote.leaseId)!.message).toMatch(/did not verify/);
    expect(lease(quote.leaseId)!.jobId).toBeNull();
    expect((await app.handlers['earnings:list']({ limit: 10 })).some((r) => r.leaseId === quote.leaseId)).toBe(false);
    await renter.terminate(quote.leaseId).catch(() => undefined);
  }, 60_000);

  it('exports CSV and reconciles every row against the chain', async () => {
    const csv = await app.handlers['earnings:export-csv']({});
    const lines = csv.csv.trim().split('\r\n');
    expect(lines[0]).toMatch(/^paid_at_utc,signature,network,lease_id/);
    expect(lines.length).toBe(2);
    const report = await app.handlers['earnings:reconcile']({});
    expect(report).toMatchObject({ checked: 1, ok: 1, mismatched: [] });
    expect((await app.handlers['earnings:list']({ limit: 1 }))[0]!.reconcile).toBe('ok');
    const summary = await app.handlers['earnings:summary']({ days: 7 });
    expect(summary.today.payments).toBe(1);
    expect(summary.days).toHaveLength(7);
    expect(status().todayEarned).toBe(summary.today.gross);
  }, 60_000);

  it('withdraws its offers when sharing stops', async () => {
    const off = await app.handlers['lend:stop-sharing']({ stopRunning: true });
    expect(off.sharingEnabled).toBe(false);
    await eventually(() => status().state === 'off', 20_000, 'off');
    expect((await renter.searchOffers({ gpuModel: 'V100' })).offers).toEqual([]);
  }, 30_000);

  // Issue 13: a signature the supplier booked for one lease, presented by a lying hub as
  // the payment of another. Before the fix the "already in earnings" short-cut started
  // the second lease's container with no payment of its own.
  it('does not start a second lease on a signature credited to another (a replay through a lying hub)', async () => {
    await app.handlers['lend:start-sharing']({});
    // Published again at the hub (the status may still show the offers of before).
    await eventually(async () => ((await renter.searchOffers({ gpuModel: 'V100' })).offers.length > 0 ? true : undefined), 30_000, 'sharing again');
    const paid = await quoteAndPayFirst(1, 2, 'sleep 3600');
    await eventually(() => lease(paid.leaseId)?.state === 'running', 60_000, 'paid lease running');
    const signature = (await app.handlers['earnings:list']({ limit: 20 })).find((r) => r.leaseId === paid.leaseId)!.signature;

    const unpaid = await renter.quote({ gpuCount: 1, constraints: { gpuModel: 'V100' }, job: { image: dockerTestEnv.testImage, command: ['sh', '-c', 'sleep 3600'] }, durationMs: INCREMENT_MS });
    await eventually(() => lease(unpaid.leaseId), 10_000, 'second lease assigned');
    const p = unpaid.firstIncrement.payments[0]!;
    const client = (app.supplier.session as unknown as { client: WorkerClient }).client;
    client.emit('message', { type: 'lease.paid', leaseId: unpaid.leaseId, increment: 0, signature, amount: p.amount, reference: p.reference, memo: p.memo, paidThroughMs: Date.now() + INCREMENT_MS });
    await eventually(() => lease(unpaid.leaseId)?.state === 'ended', 30_000, 'replay refused');
    expect(lease(unpaid.leaseId)!.message).toMatch(/credited_elsewhere/);
    expect(lease(unpaid.leaseId)!.jobId).toBeNull();
    expect((await app.handlers['earnings:list']({ limit: 20 })).some((r) => r.leaseId === unpaid.leaseId)).toBe(false);
    expect(lease(paid.leaseId)!.state).toBe('running');
    await renter.terminate(unpaid.leaseId).catch(() => undefined);
    runningLeaseId = paid.leaseId;
  }, 120_000);

  // Issue 13: the owner stops sharing in the middle of a paid increment. The unused part
  // goes back to the renter by itself — a transfer with the refund memo — and shows as a
  // negative earnings row. The wallet is locked at first (the refund stays owed, durable),
  // and the app restarts before it is paid: the restarted app pays it.
  it('refunds the unused paid time when the owner stops a paid lease, also across a restart', async () => {
    const leaseId = runningLeaseId!;
    const payment = (await app.handlers['earnings:list']({ limit: 20 })).find((r) => r.leaseId === leaseId && BigInt(r.amount) > 0n)!;
    const before = (await payer.chain.tokenBalance(payer.signer.address, payer.mint)).amount;
    // A refund is a transaction the supplier's wallet pays the fee of.
    await app.handlers['wallet:faucet']({ sol: true, usdc: false });
    await app.handlers['wallet:lock']({});
    await app.handlers['lend:stop-sharing']({ stopRunning: true });
    const owed = await eventually(async () => (await app.handlers['earnings:list']({ limit: 20 })).find((r) => r.leaseId === leaseId && BigInt(r.amount) < 0n), 20_000, 'refund owed');
    expect(owed.reconcile).toBe('unchecked');
    const refund = -BigInt(owed.amount);
    expect(refund).toBeGreaterThan(0n);
    expect(refund).toBeLessThan(BigInt(payment.amount));
    expect((await payer.chain.tokenBalance(payer.signer.address, payer.mint)).amount).toBe(before);

    // Restart (same data dir), unlock: the owed refund is paid without anyone asking.
    await app.stop();
    app = createAppServices({ shell: 'headless', dataDir: join(dir, 'supplier'), version: '0.0.0-test', supplierTickMs: 250 });
    app.events.on('lend:notice', (n) => notices.push(n));
    await app.start();
    await app.handlers['wallet:unlock']({ passphrase: 'correct horse battery staple' });
    let last: unknown = null;
    const paidBack = await eventually(async () => {
      const row = (await app.handlers['earnings:list']({ limit: 20 })).find((r) => r.leaseId === leaseId && BigInt(r.amount) < 0n);
      last = row;
      return row?.reconcile === 'ok' ? row : undefined;
    }, 40_000, 'refund confirmed').catch((error: Error) => {
      throw new Error(`${error.message}; last row: ${JSON.stringify(last)}`);
    });
    expect(BigInt(paidBack.amount)).toBe(-refund);
    expect((await payer.chain.tokenBalance(payer.signer.address, payer.mint)).amount).toBe(before + refund);
    // On chain: exactly that amount to the renter, with the refund memo naming hub, lease and increment.
    const hubId = (await renter.info()).hubId;
    const verifier = new PaymentVerifier({ chain: { transaction: (s, c) => payer.chain.transaction(s, c) as never, signatureStatus: (s) => payer.chain.signatureStatus(s) } });
    expect(await verifier.verify({ signature: paidBack.signature, recipient: payer.address, mint: payer.mint, amount: refund, reference: null, memo: formatRefundMemo(hubId, leaseId, 0) })).toMatchObject({ ok: true, receivedAmount: refund });
    const summary = await app.handlers['earnings:summary']({ days: 1 });
    const gross = (await app.handlers['earnings:list']({ limit: 50 })).reduce((sum, r) => sum + BigInt(r.amount), 0n);
    expect(summary.allTime.gross).toBe(gross.toString());
  }, 120_000);
});
