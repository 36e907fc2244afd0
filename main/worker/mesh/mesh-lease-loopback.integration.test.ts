import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HubHttpClient } from '../../../hub-client/hub-http-client';
import { RenterFeed } from '../../../hub-client/renter-feed';
import type { MeshMatrix } from '../../../common/mesh';
import { ChainPaymentCheck } from '../../../hub';
import { gpus, hardware, MODELS, offerTerms } from '../../../hub/testing/market-fixtures';
import { SandboxPayer } from '../../../hub/testing/sandbox-payer';
import { startTestHub } from '../../../hub/testing/test-hub';
import type { TestHub } from '../../../hub/testing/test-hub';
import { testLogger } from '../../../hub/testing/test-logger';
import { createTestWallet } from '../../../hub/testing/test-wallet';
import { SandboxChainServer } from '../../../solana/sandbox/sandbox-chain-server';
import { describeWithDocker, dockerTestEnv } from '../test-support/docker-test-support';
import { MeshWorker } from './test-support/mesh-worker-handle';
import { sidecarImageToolsMissing } from './sidecar-image';

// A private grid on one machine (the hub on loopback, as in the e2e tests and the
// e2e-lease bench): two suppliers on one dockerd, a 2-node lease. Their sidecars reach
// the hub's UDP side at their networks' gateway (the hub names 127.0.0.1), and the mesh
// forms — through the relay, since Docker keeps the two lease networks apart.
const missing = sidecarImageToolsMissing();
if (missing.length > 0) console.warn(`[skip] mesh lease on a loopback hub: the sidecar image needs ${missing.join(', ')}`);
const describeMesh = missing.length > 0 ? describe.skip : describeWithDocker;

describeMesh('a cluster lease on a hub on loopback (one machine)', () => {
  let dir: string;
  let chain: SandboxChainServer;
  let payer: SandboxPayer;
  let hub: TestHub;
  const workers: MeshWorker[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'idlegrid-mesh-loopback-'));
    chain = new SandboxChainServer({ logger: testLogger, dataDir: dir, slotIntervalMs: 0 });
    await chain.start();
    payer = await SandboxPayer.create(chain.url, chain.chain.usdcMint);
    hub = await startTestHub({
      chain: { network: 'sandbox', mint: chain.chain.usdcMint, rpcUrl: chain.url, payments: ChainPaymentCheck.forRpc(chain.url) },
      timing: { incrementMs: 60_000, graceMs: 10_000, reservationTtlMs: 120_000, heartbeatIntervalMs: 1_000, tickMs: 200 },
    });
  }, 60_000);

  afterAll(async () => {
    for (const w of workers) await w.kill();
    await hub?.stop();
    await chain?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('forms the mesh and runs both jobs over it', async () => {
    const socket = dockerTestEnv.dockerHost.replace(/^unix:\/\//, '');
    for (const name of ['one', 'two']) {
      const rig = gpus(MODELS.rtx4090.name, 1, MODELS.rtx4090.vramMiB, `loop-${name}`);
      workers.push(
        await MeshWorker.start({
          hubUrl: hub.url,
          walletHex: createTestWallet().privateKeyHex,
          machineId: `machine-loop-${name}-0001`,
          hardware: hardware(rig),
          region: 'eu-west',
          offers: [offerTerms(rig.map((g) => g.uuid), '360000')],
          dockerSocket: socket,
        }),
      );
    }
    const renter = new HubHttpClient({ baseUrl: hub.url });
    const session = await renter.signIn(payer.address, payer.signMessage);
    const meshes = new Map<string, MeshMatrix>();
    const feed = new RenterFeed({ hubUrl: hub.url, token: async () => session.token });
    feed.on('event', (event) => {
      if (event.type === 'lease.mesh') meshes.set(event.leaseId, event.mesh);
    });
    feed.start();
    try {
      const command = [
        'sh',
        '-c',
        'if [ "$RANK" = 0 ]; then nc -l -p 7000 -e /bin/echo hello-from-rank0; exit 0; fi; ' +
          'for i in $(seq 1 20); do r=$(nc -w 3 "$MASTER_ADDR" 7000 </dev/null); case "$r" in *hello-from-rank0*) echo "got $r"; exit 0;; esac; sleep 1; done; exit 5',
      ];
      const quote = await renter.quote({ gpuCount: 2, constraints: { gpuModel: '4090' }, job: { image: dockerTestEnv.testImage, command }, durationMs: 60_000 });
      feed.follow(quote.leaseId);
      for (const w of workers) {
        const up = await w.waitFor((r) => (r.event === 'mesh-up' || r.event === 'mesh-failed') && r.leaseId === quote.leaseId, 90_000);
        expect(up, JSON.stringify(up)).toMatchObject({ event: 'mesh-up' });
      }
      for (let i = 0; i < 300 && meshes.get(quote.leaseId)?.state !== 'ready'; i++) await new Promise((r) => setTimeout(r, 200));
      expect(meshes.get(quote.leaseId)?.pairs[0]?.path).toMatch(/^(direct|relayed)$/);
      for (const p of quote.firstIncrement.payments) {
        await renter.submitPayment(quote.leaseId, { increment: 0, payee: p.payee, signature: await payer.pay(quote.leaseId, 0, p) });
      }
      const exits = await Promise.all(workers.map((w) => w.waitFor((r) => r.event === 'job-exited' && r.leaseId === quote.leaseId, 90_000)));
      for (const exit of exits) expect(exit, JSON.stringify(exit)).toMatchObject({ event: 'job-exited', exitCode: 0 });
    } finally {
      feed.stop();
    }
  }, 240_000);
});
