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
import { cleanupStaleTestbeds, startHomes, testbedToolsAvailable } from '../../../scripts/testbed/homes.mjs';
import type { Testbed } from '../../../scripts/testbed/homes.mjs';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { torchImageTarball, TORCH_IMAGE_REF } from '../../../scripts/images/torch-image.mjs';
import { listenTcp } from './test-support/mesh-testbed';
import { MeshWorker } from './test-support/mesh-worker-handle';

// Issue 11 wired into real leases: a real hub (its mesh observer and relay on the testbed's
// "internet" address) and a sandbox chain; a supplier worker process per home, each behind
// its own NAT with its own dockerd, speaking the real worker protocol (the mesh over its
// worker socket); a renter that quotes a 2-node cluster, sees the mesh matrix before
// paying, pays, and gets both nodes' jobs talking over the mesh. Once with two cone NATs
// (direct), once with a symmetric NAT on one side (relayed through the hub).
const tools = testbedToolsAvailable();
const run = tools.ok ? describe : describe.skip;
if (!tools.ok) console.warn(`[skip] mesh leases across NAT: missing ${tools.missing.join(', ')}`);

/** One script for every rank: rank 0 answers once on the mesh; the others check they cannot reach the supplier's host, then reach rank 0 at MASTER_ADDR. */
const JOB = [
  'sh',
  '-c',
  [
    'case "$MASTER_ADDR" in 198.19.*) ;; *) echo "MASTER_ADDR is not a mesh address: $MASTER_ADDR"; exit 3;; esac',
    'if [ "$RANK" = 0 ]; then nc -l -p 7000 -e /bin/echo hello-from-rank0; echo rank0-served; exit 0; fi',
    'if echo x | nc -w 2 "$PROBE_HOST" "$PROBE_PORT" >/dev/null 2>&1; then echo reached-the-host; exit 4; fi',
    'for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do r=$(nc -w 3 "$MASTER_ADDR" 7000 </dev/null); case "$r" in *hello-from-rank0*) echo "rank$RANK-got-$r"; exit 0;; esac; sleep 1; done',
    'echo never-reached-rank0; exit 5',
  ].join('\n'),
];

run('cluster leases over the per-lease mesh, across homes behind NAT', { timeout: 600_000 }, () => {
  let bed: Testbed;
  let dir: string;
  let chain: SandboxChainServer;
  let payer: SandboxPayer;
  let hub: TestHub;
  let renter: HubHttpClient;
  let feed: RenterFeed;
  const meshes = new Map<string, MeshMatrix>();
  const workers: MeshWorker[] = [];
  let probe: Awaited<ReturnType<typeof listenTcp>>;

  beforeAll(async () => {
    cleanupStaleTestbeds();
    dir = mkdtempSync(join(tmpdir(), 'idlegrid-mesh-lease-'));
    [bed, chain] = await Promise.all([
      startHomes({ homes: [{ nat: 'cone' }, { nat: 'cone' }, { nat: 'symmetric' }] }),
      (async () => {
        const c = new SandboxChainServer({ logger: testLogger, dataDir: dir, slotIntervalMs: 0 });
        await c.start();
        return c;
      })(),
    ]);
    payer = await SandboxPayer.create(chain.url, chain.chain.usdcMint);
    hub = await startTestHub({
      chain: { network: 'sandbox', mint: chain.chain.usdcMint, rpcUrl: chain.url, payments: ChainPaymentCheck.forRpc(chain.url) },
      timing: { incrementMs: 60_000, graceMs: 10_000, reservationTtlMs: 120_000, heartbeatIntervalMs: 1_000, tickMs: 200 },
      // Nodes in the homes reach the hub's UDP observer and relay on the "internet" side.
      mesh: { udpHost: bed.hubAddress },
    });
    renter = new HubHttpClient({ baseUrl: hub.url });
    const session = await renter.signIn(payer.address, payer.signMessage);
    feed = new RenterFeed({ hubUrl: hub.url, token: async () => session.token });
    feed.on('event', (event) => {
      if (event.type === 'lease.mesh') meshes.set(event.leaseId, event.mesh);
    });
    feed.start();
    // A service on the supplier machine's own address (0.0.0.0 would do the same): never reachable from a lease.
    probe = await listenTcp(bed.hubAddress);
  }, 420_000);

  afterAll(async () => {
    feed?.stop();
    for (const w of workers) await w.kill();
    probe?.server.close();
    await hub?.stop();
    await chain?.stop();
    await bed?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 400_000);

  async function supplierIn(homeIndex: number, memoryLimitMb?: number): Promise<MeshWorker> {
    const home = bed.homes[homeIndex]!;
    // A fresh machine each time (its own wallet, machine id and GPUs).
    const tag = `home${homeIndex}-${workers.length}-${Date.now().toString(36)}`;
    const rig = gpus(MODELS.rtx4090.name, 1, MODELS.rtx4090.vramMiB, tag);
    const worker = await MeshWorker.start({
      hubUrl: hub.url,
      walletHex: createTestWallet().privateKeyHex,
      machineId: `machine-${tag}`,
      hardware: hardware(rig),
      region: 'eu-west',
      offers: [offerTerms(rig.map((g) => g.uuid), '360000')],
      dockerSocket: home.dockerHost!.slice('unix://'.length),
      ...(memoryLimitMb ? { memoryLimitMb } : {}),
    });
    workers.push(worker);
    return worker;
  }

  async function until<T>(what: string, fn: () => Promise<T | undefined> | T | undefined, timeoutMs: number): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (let i = 0; i < 2_000 && Date.now() < deadline; i++) {
      const value = await fn();
      if (value !== undefined) return value;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`timed out waiting for ${what}`);
  }

  /** Quotes a 2-node cluster on the connected machines; the mesh forms while reserved; pays; both jobs talk over it. */
  async function leaseTwoNodes(pair: [MeshWorker, MeshWorker], expectedPath: 'direct' | 'relayed'): Promise<void> {
    const quote = await renter.quote({
      gpuCount: 2,
      constraints: { gpuModel: '4090' },
      job: { image: 'idlegrid/busybox:test', command: JOB, env: { PROBE_HOST: bed.hubAddress, PROBE_PORT: String(probe.port) } },
      durationMs: 60_000,
    });
    feed.follow(quote.leaseId);
    for (const w of pair) {
      const up = await w.waitFor((r) => (r.event === 'mesh-up' || r.event === 'mesh-failed') && r.leaseId === quote.leaseId, 90_000);
      expect(up, JSON.stringify(up)).toMatchObject({ event: 'mesh-up' });
    }
    // The renter sees the pair measured over the mesh before paying anything.
    const matrix = await until('the mesh matrix', () => (meshes.get(quote.leaseId)?.state === 'ready' ? meshes.get(quote.leaseId) : undefined), 60_000);
    expect((await renter.lease(quote.leaseId)).state).toBe('reserved');
    expect(matrix.pairs).toHaveLength(1);
    expect(matrix.pairs[0]).toMatchObject({ fromRank: 0, toRank: 1, path: expectedPath });
    expect(matrix.pairs[0]!.rttMs).toBeGreaterThan(0);
    expect(matrix.pairs[0]!.bitsPerSecond).toBeGreaterThan(1_000_000);

    for (const p of quote.firstIncrement.payments) {
      await renter.submitPayment(quote.leaseId, { increment: 0, payee: p.payee, signature: await payer.pay(quote.leaseId, 0, p) });
    }
    const exits = await Promise.all(pair.map((w) => w.waitFor((r) => r.event === 'job-exited' && r.leaseId === quote.leaseId, 90_000)));
    for (const exit of exits) expect(exit, JSON.stringify(exit)).toMatchObject({ event: 'job-exited', exitCode: 0 });
    const logs = exits.map((e) => (e.event === 'job-exited' ? e.logs : '')).join('\n');
    expect(logs).toContain('rank0-served');
    expect(logs).toContain('rank1-got-hello-from-rank0');
    expect(logs).not.toContain('reached-the-host');
    const ended = await until('the lease to complete', async () => {
      const view = await renter.lease(quote.leaseId);
      return view.state === 'ended' ? view : undefined;
    }, 30_000);
    expect(ended.endReason, JSON.stringify(ended.transitions)).toBe('completed');
  }

  it('two homes behind cone NATs: the mesh comes up direct while reserved, and the paid jobs reach each other only over it', async () => {
    const a = await supplierIn(0);
    const b = await supplierIn(1);
    await leaseTwoNodes([a, b], 'direct');
    await b.kill();
    workers.splice(workers.indexOf(b), 1);
  });

  it('one home behind a symmetric NAT: the pair goes through the hub’s relay, still encrypted end to end', async () => {
    const a = workers[0]!;
    const c = await supplierIn(2);
    await leaseTwoNodes([a, c], 'relayed');
  });

  const torchTarball = torchImageTarball();
  const torchMissing = existsSync(torchTarball) ? null : `the torch image (node scripts/images/torch-image.mjs build → ${torchTarball})`;
  if (torchMissing) console.warn(`[skip] a torch.distributed lease over three homes: missing ${torchMissing}`);
  it.skipIf(torchMissing !== null)('a 3-node lease over all three homes runs a torch.distributed gloo all-reduce: every rank prints the sum', async () => {
    for (const w of workers.splice(0)) await w.kill();
    await Promise.all(bed.homes.map((home) => loadTorch(home.dockerHost!)));
    const nodes = [await supplierIn(0, 1024), await supplierIn(1, 1024), await supplierIn(2, 1024)];
    const quote = await renter.quote({ gpuCount: 3, constraints: { gpuModel: '4090' }, job: { image: TORCH_IMAGE_REF, command: ['python3', '-c', ALL_REDUCE] }, durationMs: 60_000 });
    feed.follow(quote.leaseId);
    for (const w of nodes) {
      const up = await w.waitFor((r) => (r.event === 'mesh-up' || r.event === 'mesh-failed') && r.leaseId === quote.leaseId, 120_000);
      expect(up, JSON.stringify(up)).toMatchObject({ event: 'mesh-up' });
    }
    const matrix = await until('the mesh matrix', () => (meshes.get(quote.leaseId)?.state === 'ready' ? meshes.get(quote.leaseId) : undefined), 90_000);
    expect(matrix.pairs.map((p) => p.path).sort()).toEqual(['direct', 'relayed', 'relayed']);
    for (const p of quote.firstIncrement.payments) {
      await renter.submitPayment(quote.leaseId, { increment: 0, payee: p.payee, signature: await payer.pay(quote.leaseId, 0, p) });
    }
    const exits = await Promise.all(nodes.map((w) => w.waitFor((r) => r.event === 'job-exited' && r.leaseId === quote.leaseId, 240_000)));
    for (const exit of exits) expect(exit, JSON.stringify(exit).slice(-2000)).toMatchObject({ event: 'job-exited', exitCode: 0 });
    const logs = exits.map((e) => (e.event === 'job-exited' ? e.logs : '')).join('\n');
    for (let rank = 0; rank < 3; rank++) expect(logs).toMatch(new RegExp(`all-reduce rank ${rank} of 3 on 198\\.19\\.\\d+\\.1: 6\\b`));
  }, 600_000);
});

const ALL_REDUCE = `
import datetime, os, torch, torch.distributed as dist
dist.init_process_group('gloo', init_method='env://', timeout=datetime.timedelta(seconds=120))
t = torch.tensor([float(dist.get_rank() + 1)])
dist.all_reduce(t)
print('all-reduce rank %d of %d on %s: %g' % (dist.get_rank(), dist.get_world_size(), os.environ['MASTER_ADDR'], t.item()), flush=True)
dist.destroy_process_group()
`;

function loadTorch(dockerHost: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('node', ['scripts/images/torch-image.mjs', 'load', TORCH_IMAGE_REF], { env: { ...process.env, DOCKER_HOST: dockerHost }, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`loading the torch image failed: ${err}`))));
  });
}
