import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HubHttpClient } from '../../../hub-client/hub-http-client';
import type { SupplierStatus } from '../../../common/market/lend-types';
import { PAYMENT_TOKEN } from '../../../common/money/token-registry';
import { startHub, openHubChain } from '../../../hub';
import type { OpenHubChain, RunningHub } from '../../../hub';
import { testLogger } from '../../../hub/testing/test-logger';
import { SandboxPayer } from '../../../hub/testing/sandbox-payer';
import { createAppServices } from '../../app/app-services';
import type { AppServices } from '../../app/app-services';
import { trayModel } from '../../desktop/tray-model';
import { describeWithDocker, dockerTestEnv, eventually } from '../../worker/test-support/docker-test-support';
import { mountSmallDisk, smallDiskSkipReason } from '../../worker/test-support/full-disk';
import type { SmallDisk } from '../../worker/test-support/full-disk';

// Issue 19, item 1: a supplier whose data dir was full stayed connected, kept its offer
// and showed "Sharing… waiting for a renter" while every lease placed on it was lost.
// Real parts: the app as a supplier on a real tmpfs data dir that the test fills, a real
// dockerd, a real hub on loopback over its sandbox chain, a renter searching it.
const fixturesBin = resolve(__dirname, '../../../fixtures/bin');
const savedPath = process.env.PATH;
const diskSkip = smallDiskSkipReason();
if (diskSkip) console.warn(`[skip] a supplier on a full data disk: ${diskSkip}`);

let dir: string;
let disk: SmallDisk;
let chain: OpenHubChain;
let hub: RunningHub;
let app: AppServices;
let renter: HubHttpClient;
let payer: SandboxPayer;

const status = (): SupplierStatus => app.supplier.session.status();
const offersAtHub = async () => (await renter.searchOffers({ gpuModel: 'V100' })).offers.length;

(diskSkip ? describe.skip : describeWithDocker)(
  'a supplier under faults: a full data disk, a lost lease.paid (real tmpfs, hub, chain and Docker)',
  () => {
    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'idlegrid-supplier-full-'));
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
        timing: { incrementMs: 25_000, graceMs: 2_000, heartbeatIntervalMs: 500, tickMs: 100, reservationTtlMs: 60_000 },
      });
      app = createAppServices({ shell: 'headless', dataDir: join(disk.dir, 'supplier'), version: '0.0.0-test', supplierTickMs: 250 });
      app.settings.update({ network: 'grid', hubUrl: hub.url, allowedRegistries: ['127.0.0.1:*'] });
      await app.start();
      await app.handlers['wallet:unlock']({ passphrase: 'correct horse battery staple' });
      await app.handlers['wallet:create']({});
      payer = await SandboxPayer.create(chain.config.rpcUrl!, chain.config.mint);
      renter = new HubHttpClient({ baseUrl: hub.url });
      await renter.signIn(payer.address, payer.signMessage);
    }, 120_000);

    afterAll(async () => {
      disk?.free();
      await app?.stop();
      await hub?.close();
      await chain?.stop();
      disk?.remove();
      process.env.PATH = savedPath;
      rmSync(dir, { recursive: true, force: true });
    });

    it('stops offering and says "disk full" with what to do (Lend, tray, doctor); offers again once there is room', async () => {
      expect(dockerTestEnv.dockerHost).not.toBe('');
      await app.handlers['lend:start-sharing']({});
      await eventually(() => status().state === 'sharing' && status().offers.length > 0, 30_000, 'sharing');
      await eventually(async () => (await offersAtHub()) > 0, 30_000, 'offer at the hub');

      disk.fill();
      // Found within a few seconds, before any lease is placed on the machine.
      const stopped = await eventually(() => (status().state === 'error' ? status() : undefined), 20_000, 'the supplier notices the full disk');
      expect(stopped.message).toMatch(/^Disk full: no GPUs are offered/);
      expect(stopped.message).toMatch(/disk is full/i);
      expect(stopped.message).toContain(disk.dir);
      expect(stopped.message).toMatch(/Free some space/);
      expect(stopped.offers).toEqual([]);
      // The hub no longer offers this machine, so no renter pays for a lease it would lose.
      await eventually(async () => ((await offersAtHub()) === 0 ? true : undefined), 20_000, 'offer withdrawn at the hub');
      await expect(renter.quote({ gpuCount: 1, constraints: { gpuModel: 'V100' }, job: { image: dockerTestEnv.testImage, command: ['true'] }, durationMs: 25_000 })).rejects.toThrow();
      // Still connected: leases already running would go on.
      expect(app.supplier.session.status().workerId).not.toBeNull();

      // The tray and the setup doctor say the same.
      const tray = trayModel(stopped, { startOnLogin: false, token: PAYMENT_TOKEN });
      expect(tray.icon).toBe('error');
      expect(tray.tooltip).toMatch(/^Idlegrid — Disk full: .*Free some space/);
      const report = await app.handlers['worker:doctor']({});
      const storage = report.checks.find((c) => c.id === 'storage');
      expect(storage).toMatchObject({ status: 'fail' });
      expect(storage!.summary).toMatch(/^Disk full/);
      expect(storage!.fix).toMatch(/Free some space/);
      expect(report.ready).toBe(false);

      disk.free();
      await eventually(() => status().state === 'sharing' && status().offers.length > 0, 30_000, 'sharing again');
      await eventually(async () => ((await offersAtHub()) > 0 ? true : undefined), 30_000, 'offered again at the hub');
      const healed = await app.handlers['worker:doctor']({});
      expect(healed.checks.find((c) => c.id === 'storage')?.status).toBe('ok');
    }, 120_000);

    it('reconcile finds a chain payment to this machine that was never announced to it, and books it once', async () => {
      // Issue 19, item 3: the hub's lease.paid can be lost (a full disk, a crash, a dropped
      // socket); the USDC is in the wallet with no earnings row. Here the renter pays
      // increment 1 on chain and never tells the hub, so nothing announces it.
      await eventually(() => status().state === 'sharing' && status().offers.length > 0, 30_000, 'sharing');
      const quote = await renter.quote({ gpuCount: 1, constraints: { gpuModel: 'V100' }, job: { image: dockerTestEnv.testImage, command: ['sh', '-c', 'sleep 3600'] }, durationMs: 2 * 25_000 });
      const first = quote.firstIncrement.payments[0]!;
      await renter.submitPayment(quote.leaseId, { increment: 0, payee: first.payee, signature: await payer.pay(quote.leaseId, 0, first) });
      await eventually(() => status().leases.find((l) => l.leaseId === quote.leaseId)?.state === 'running', 60_000, 'lease running');
      const second = (await renter.lease(quote.leaseId)).increments[1]!.payments[0]!;
      const unannounced = await payer.pay(quote.leaseId, 1, second);
      const rowsOf = async () => (await app.handlers['earnings:list']({ limit: 50 })).filter((r) => r.leaseId === quote.leaseId);
      expect((await rowsOf()).map((r) => r.increment)).toEqual([0]);

      const report = await app.handlers['earnings:reconcile']({});
      expect(report.found).toContainEqual({ signature: unannounced, leaseId: quote.leaseId, increment: 1, booked: true, reason: null });
      const rows = await rowsOf();
      expect(rows.map((r) => [r.increment, r.amount]).sort()).toEqual([[0, first.amount], [1, second.amount]]);
      expect(rows.find((r) => r.increment === 1)!.signature).toBe(unannounced);
      expect(report.mismatched).toEqual([]);
      // Once: a second reconcile finds nothing new.
      const again = await app.handlers['earnings:reconcile']({});
      expect((again.found ?? []).filter((f) => f.signature === unannounced)).toEqual([]);
      expect(await rowsOf()).toHaveLength(2);
      await renter.terminate(quote.leaseId);
      await eventually(() => status().leases.find((l) => l.leaseId === quote.leaseId)?.state === 'ended', 30_000, 'lease ended');
    }, 120_000);
  },
);
