import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { HubHttpClient } from '../../../hub-client/hub-http-client';
import type { SupplierStatus } from '../../../common/market/lend-types';
import { startHub, openHubChain } from '../../../hub';
import type { OpenHubChain, RunningHub } from '../../../hub';
import { testLogger } from '../../../hub/testing/test-logger';
import { SandboxPayer } from '../../../hub/testing/sandbox-payer';
import { createAppServices } from '../../app/app-services';
import type { AppServices } from '../../app/app-services';
import { describeWithDocker, dockerTestEnv, eventually } from '../../worker/test-support/docker-test-support';

// Issue 19, item 12: a supplier whose clock runs ahead of the hub's by more than the
// grace used to stop a paid job at once (its own clock said the payment had run out),
// and the lease ended "completed". The supplier app here runs on an injected clock
// 90 s ahead; the hub, chain and Docker are real.
const SKEW_MS = 90_000;
const INCREMENT_MS = 15_000;
const GRACE_MS = 2_000;
const fixturesBin = resolve(__dirname, '../../../fixtures/bin');
const savedPath = process.env.PATH;

let dir: string;
let chain: OpenHubChain;
let hub: RunningHub;
let app: AppServices;
let payer: SandboxPayer;
let renter: HubHttpClient;

const status = (): SupplierStatus => app.supplier.session.status();
const lease = (id: string) => status().leases.find((l) => l.leaseId === id);

describeWithDocker('a supplier whose clock is ahead of the hub\'s', () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'idlegrid-skew-'));
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
    app = createAppServices({ shell: 'headless', dataDir: join(dir, 'supplier'), version: '0.0.0-test', supplierTickMs: 250, nowMs: () => Date.now() + SKEW_MS });
    // The test registry is on 127.0.0.1: the owner allow-lists it (issue 14, item 5).
    app.settings.update({ network: 'grid', hubUrl: hub.url, allowedRegistries: ['127.0.0.1:*'] });
    await app.start();
    await app.handlers['wallet:unlock']({ passphrase: 'correct horse battery staple' });
    await app.handlers['wallet:create']({});
    payer = await SandboxPayer.create(chain.config.rpcUrl!, chain.config.mint);
    renter = new HubHttpClient({ baseUrl: hub.url });
    await renter.signIn(payer.address, payer.signMessage);
    const terms = await app.handlers['lend:terms']({});
    await app.handlers['lend:set-terms']({ terms: { ...terms, pricePerGpuHour: '500000' } });
    await app.handlers['lend:start-sharing']({});
    await eventually(() => status().state === 'sharing' && status().offers.length > 0, 30_000, 'sharing');
  }, 120_000);

  afterAll(async () => {
    await app?.stop();
    await hub?.close();
    await chain?.stop();
    process.env.PATH = savedPath;
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs the paid period in the hub\'s time, the doctor warns about the clock, and the unpaid end is the hub\'s', async () => {
    const quote = await renter.quote({ gpuCount: 1, constraints: { gpuModel: 'V100' }, job: { image: dockerTestEnv.testImage, command: ['sh', '-c', 'sleep 3600'] }, durationMs: 2 * INCREMENT_MS });
    const payment = quote.firstIncrement.payments[0]!;
    const signature = await payer.pay(quote.leaseId, 0, payment);
    await renter.submitPayment(quote.leaseId, { increment: 0, payee: payment.payee, signature });
    await eventually(() => lease(quote.leaseId)?.state === 'running', 90_000, 'lease running');

    // The offset was measured from the hub's welcome and heartbeats.
    const check = app.worker.doctor.checkClock();
    expect(check).toHaveLength(1);
    expect(check[0]).toMatchObject({ id: 'clock', status: 'warn' });
    expect(check[0]!.summary).toMatch(/9\d s ahead of the hub's/);

    // Increment 1 is never paid: the hub ends the lease "unpaid" after the increment and its grace.
    const ended = await eventually(async () => {
      const view = await renter.lease(quote.leaseId);
      return view.endReason ? view : undefined;
    }, 90_000, 'the hub to end the lease');
    expect(ended.endReason).toBe('unpaid');
    await eventually(() => lease(quote.leaseId)?.state === 'ended', 30_000, 'the supplier to end the lease');
    // The job ran the whole paid period in the hub's time: it did not stop before the
    // paid-through time (its own clock, 90 s ahead, said the payment ran out at once).
    const jobId = lease(quote.leaseId)!.jobId!;
    const job = await eventually(() => (app.worker.job(jobId).endedAtMs !== null ? app.worker.job(jobId) : undefined), 30_000, 'the job to end');
    expect(job.endedAtMs! - SKEW_MS).toBeGreaterThanOrEqual(ended.paidThroughMs! - 1_000);
  }, 240_000);
});
