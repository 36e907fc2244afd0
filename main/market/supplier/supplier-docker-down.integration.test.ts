import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { HubError } from '../../../common/hub/hub-errors';
import type { SupplierStatus } from '../../../common/market/lend-types';
import { HubHttpClient } from '../../../hub-client/hub-http-client';
import { startHub, openHubChain } from '../../../hub';
import type { OpenHubChain, RunningHub } from '../../../hub';
import { testLogger } from '../../../hub/testing/test-logger';
import { SandboxPayer } from '../../../hub/testing/sandbox-payer';
import { dockerToolsAvailable, startDockerTestEnv } from '../../../scripts/test-env/docker-env.mjs';
import type { DockerTestEnv } from '../../../scripts/test-env/docker-env.mjs';
import { createAppServices } from '../../app/app-services';
import type { AppServices } from '../../app/app-services';
import { describeWithDocker, eventually } from '../../worker/test-support/docker-test-support';

// Issue 19, item 5: while Docker was down the supplier dropped its socket; the hub kept
// taking the renter's payments for machines that ran nothing. Now the supplier keeps the
// socket and says its nodes are down; the hub refuses payments for them with a reason and
// the renter sees them down; when Docker is back the nodes are back. Real parts: a private
// dockerd with live-restore that the test stops and starts, the supplier app, a hub on
// loopback over its sandbox chain, a renter paying with real SPL transfers.
const INCREMENT_MS = 30_000;
const fixturesBin = resolve(__dirname, '../../../fixtures/bin');
const savedPath = process.env.PATH;
const savedDockerHost = process.env.DOCKER_HOST;
const tools = dockerToolsAvailable();
if (!tools.ok) console.warn(`[skip] Docker down under a lease: a private dockerd needs ${tools.missing.join(', ')}`);

let dir: string;
let env: DockerTestEnv;
let chain: OpenHubChain;
let hub: RunningHub;
let app: AppServices;
let payer: SandboxPayer;
let renter: HubHttpClient;

const status = (): SupplierStatus => app.supplier.session.status();

describeWithDocker('Docker down under a running lease (private dockerd, hub, chain, supplier app)', () => {
  beforeAll(async () => {
    if (!tools.ok) return;
    dir = mkdtempSync(join(tmpdir(), 'idlegrid-docker-down-'));
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    symlinkSync(join(fixturesBin, 'nvidia-smi'), join(bin, 'nvidia-smi'));
    process.env.PATH = `${bin}:${savedPath}`;
    // Its own daemon (stopping the shared one would break other tests); live-restore keeps the job's container through the stop.
    env = await startDockerTestEnv({ isolated: true, liveRestore: true });
    process.env.DOCKER_HOST = env.dockerHost;
    chain = await openHubChain({ kind: 'sandbox', logger: testLogger, dataDir: join(dir, 'grid'), host: '127.0.0.1', port: 0, slotIntervalMs: 0 });
    hub = await startHub({
      logger: testLogger,
      dataDir: join(dir, 'grid'),
      host: '127.0.0.1',
      port: 0,
      chain: chain.config,
      timing: { incrementMs: INCREMENT_MS, graceMs: 5_000, heartbeatIntervalMs: 500, tickMs: 100, reservationTtlMs: 60_000 },
    });
    app = createAppServices({ shell: 'headless', dataDir: join(dir, 'supplier'), version: '0.0.0-test', supplierTickMs: 250 });
    app.settings.update({ network: 'grid', hubUrl: hub.url, allowedRegistries: ['127.0.0.1:*'] });
    await app.start();
    await app.handlers['wallet:unlock']({ passphrase: 'correct horse battery staple' });
    await app.handlers['wallet:create']({});
    payer = await SandboxPayer.create(chain.config.rpcUrl!, chain.config.mint);
    renter = new HubHttpClient({ baseUrl: hub.url });
    await renter.signIn(payer.address, payer.signMessage);
  }, 180_000);

  afterAll(async () => {
    await app?.stop();
    await hub?.close();
    await chain?.stop();
    await env?.stop();
    process.env.PATH = savedPath;
    if (savedDockerHost === undefined) delete process.env.DOCKER_HOST;
    else process.env.DOCKER_HOST = savedDockerHost;
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 120_000);

  it.skipIf(!tools.ok)('keeps the socket and reports the node down; the hub refuses payment with a reason; the node comes back with Docker', async () => {
    await app.handlers['lend:start-sharing']({});
    await eventually(() => status().state === 'sharing' && status().offers.length > 0, 60_000, 'sharing');
    const quote = await renter.quote({ gpuCount: 1, constraints: { gpuModel: 'V100' }, job: { image: env.testImage, command: ['sh', '-c', 'sleep 3600'] }, durationMs: 3 * INCREMENT_MS });
    const first = quote.firstIncrement.payments[0]!;
    await renter.submitPayment(quote.leaseId, { increment: 0, payee: first.payee, signature: await payer.pay(quote.leaseId, 0, first) });
    await eventually(async () => ((await renter.lease(quote.leaseId)).nodes[0]?.state === 'running' ? true : undefined), 90_000, 'node running at the hub');

    await env.stopDockerd();
    // The renter sees the machine down, through the hub, which still hears the machine.
    const down = await eventually(async () => {
      const view = await renter.lease(quote.leaseId);
      return view.nodes[0]?.downSinceMs !== undefined ? view : undefined;
    }, 60_000, 'node down at the hub');
    expect(down.state).toBe('running');
    // The machine stays connected (it used to drop its socket and vanish): sampled for 2 s.
    const workerId = status().workerId!;
    for (let i = 0; i < 10; i++) {
      expect(hub.workers.isOnline(workerId)).toBe(true);
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(down.nodes[0]!.message).toMatch(/^Docker stopped on this machine/);
    expect(status().state).toBe('error');
    expect(status().message).toMatch(/Docker is not running/);
    expect(status().offers).toEqual([]);

    // A payment for the down machine is refused with the reason; the transfer stays valid.
    const second = (await renter.lease(quote.leaseId)).increments[1]!.payments[0]!;
    const signature = await payer.pay(quote.leaseId, 1, second);
    const refused = await renter.submitPayment(quote.leaseId, { increment: 1, payee: second.payee, signature }).then(
      () => null,
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(HubError);
    expect((refused as HubError).reason).toBe('nodes_down');
    expect((refused as HubError).message).toMatch(/Machine 0 of lease .* is down .* submit the same signature again/);

    await env.startDockerd();
    // Docker back (live-restore kept the container): the node runs again, the payment is credited.
    const back = await eventually(async () => {
      const view = await renter.lease(quote.leaseId);
      return view.nodes[0]?.downSinceMs === undefined && view.nodes[0]?.state === 'running' ? view : undefined;
    }, 90_000, 'node back at the hub');
    expect(back.state).toBe('running');
    const receipt = await renter.submitPayment(quote.leaseId, { increment: 1, payee: second.payee, signature });
    expect(receipt).toBeTruthy();
    expect((await renter.lease(quote.leaseId)).increments[1]!.payments[0]!.signature).toBe(signature);
    await eventually(() => (status().state === 'running' ? true : undefined), 60_000, 'supplier running again');

    await renter.terminate(quote.leaseId);
    await eventually(() => status().leases.find((l) => l.leaseId === quote.leaseId)?.state === 'ended', 60_000, 'lease ended');
  }, 300_000);
});
