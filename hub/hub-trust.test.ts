import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HubHttpClient } from '../hub-client/hub-http-client';
import { SandboxChainServer } from '../solana/sandbox/sandbox-chain-server';
import { ChainPaymentCheck } from './payments/chain-payment-check';
import { gpus, hardware, MODELS, offerTerms } from './testing/market-fixtures';
import { SandboxPayer } from './testing/sandbox-payer';
import { startTestHub } from './testing/test-hub';
import type { TestHub } from './testing/test-hub';
import { createTestWallet } from './testing/test-wallet';
import { killAllWorkers, WorkerHandle } from './testing/worker-handle';
import { refusal } from './testing/refusal';
import { testLogger } from './testing/test-logger';

// Issue 13 (refunds, evidence, disputes, exposure of new identities) and issue 19 item 1
// (a paid lease that never runs), against a real hub on loopback, a real sandbox chain
// and worker processes speaking the real protocol.

const job = { image: '127.0.0.1:5000/idlegrid/busybox:1', command: ['sh', '-c', 'sleep 3600'] };

let dir: string;
let chain: SandboxChainServer;
let payer: SandboxPayer;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'idlegrid-hub-trust-'));
  chain = new SandboxChainServer({ logger: testLogger, dataDir: dir, slotIntervalMs: 0 });
  await chain.start();
  payer = await SandboxPayer.create(chain.url, chain.chain.usdcMint);
}, 30_000);

afterAll(async () => {
  await killAllWorkers();
  await chain?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (let i = 0; i < 500 && Date.now() < deadline; i++) {
    const value = await fn();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

function worker(hubUrl: string, name: string, count: number, extra: { autoRun?: boolean } = {}): Promise<WorkerHandle> {
  const rig = gpus(MODELS.rtx4090.name, count, MODELS.rtx4090.vramMiB, name);
  return WorkerHandle.start({ hubUrl, walletHex: createTestWallet().privateKeyHex, machineId: `machine-${name}-0001`, hardware: hardware(rig), region: 'eu-west', offers: [offerTerms(rig.map((g) => g.uuid), '360000')], verifyOnRpc: chain.url, ...extra });
}

describe('a paid lease whose machine never runs it (issue 19 item 1)', () => {
  let hub: TestHub;
  afterEach(async () => {
    await killAllWorkers();
    await hub?.stop();
  });

  it('ends supplier-failed at the start deadline, owes the renter a refund, flags the supplier when it is not paid, and settles the dispute by rule', async () => {
    hub = await startTestHub({
      chain: { network: 'sandbox', mint: chain.chain.usdcMint, rpcUrl: chain.url, payments: ChainPaymentCheck.forRpc(chain.url) },
      timing: { incrementMs: 20_000, graceMs: 2_000, reservationTtlMs: 60_000, heartbeatIntervalMs: 500, tickMs: 100, startDeadlineMs: 2_000, refundDeadlineMs: 1_500 },
    });
    // Stays connected and "sharing", takes the lease, never stores or starts it (a full disk).
    const swallower = await worker(hub.url, 'swallow', 1, { autoRun: false });
    const client = new HubHttpClient({ baseUrl: hub.url });
    await client.signIn(payer.address, payer.signMessage);
    const before = (await client.workerReputation(swallower.workerId)).score;
    const quote = await client.quote({ gpuCount: 1, constraints: { gpuModel: '4090' }, job, durationMs: 40_000 });
    const p = quote.firstIncrement.payments[0]!;
    await client.submitPayment(quote.leaseId, { increment: 0, payee: p.payee, signature: await payer.pay(quote.leaseId, 0, p) });
    expect((await client.lease(quote.leaseId)).state).toBe('paid');

    const ended = await until('supplier-failed', async () => {
      const view = await client.lease(quote.leaseId);
      return view.state === 'ended' ? view : undefined;
    });
    expect(ended.endReason).toBe('failed');
    expect(ended.transitions.at(-1)!.reason).toMatch(/^supplier-failed: machine\(s\) .* were paid and not running within 2000 ms/);
    await swallower.waitForHub('lease.stop', (m) => m.leaseId === quote.leaseId);

    // Owed: the whole paid increment (nothing was served). Not refunded by the deadline: missed.
    const evidence = await until('refund missed', async () => {
      const file = await client.evidence(quote.leaseId);
      return file.evidence.some((e) => e.kind === 'refund-missed') ? file : undefined;
    });
    expect(evidence.hubId).toBe((await client.info()).hubId);
    expect(evidence.lease.leaseId).toBe(quote.leaseId);
    expect(evidence.evidence.map((e) => e.kind)).toEqual(['payment', 'refund-owed', 'refund-missed']);
    expect(evidence.evidence[1]!.body).toMatchObject({ payee: p.payee, renter: payer.address, amount: p.amount });
    const reputation = await client.workerReputation(swallower.workerId);
    expect(reputation).toMatchObject({ leasesEndedBySupplier: 1, refundsMissed: 1 });
    expect(reputation.why.parts.find((x) => x.name === 'refundsMissed')!.why).toMatch(/1 refund\(s\) owed/);
    await until('rescored', async () => ((await client.workerReputation(swallower.workerId)).score < before ? true : undefined), 5_000).catch(() => undefined);

    expect((await client.explorerStats()).flaggedWorkers).toEqual([{ workerId: swallower.workerId, supplier: p.payee, refundsMissed: 1 }]);
    const dispute = await client.dispute(quote.leaseId, 'My job never ran and I paid.');
    expect(dispute).toMatchObject({ outcome: 'supplier-flagged', workerIds: [swallower.workerId] });
    expect((await client.evidence(quote.leaseId)).evidence.at(-1)).toMatchObject({ kind: 'dispute', body: { outcome: 'supplier-flagged' } });
    // Someone else's lease: not found, not someone else's evidence.
    const stranger = await SandboxPayer.create(chain.url, chain.chain.usdcMint, 0n);
    const other = new HubHttpClient({ baseUrl: hub.url });
    await other.signIn(stranger.address, stranger.signMessage);
    expect((await refusal(other.evidence(quote.leaseId))).code).toBe('not_found');
  }, 60_000);
});

describe('exposure of new identities', () => {
  let hub: TestHub;
  afterEach(async () => {
    await killAllWorkers();
    await hub?.stop();
  });

  it('places one lease at a time on a new machine, more once it has passed attestations', async () => {
    hub = await startTestHub({ limits: { newcomerCaps: true }, timing: { incrementMs: 20_000, reservationTtlMs: 60_000, heartbeatIntervalMs: 500 } });
    const fresh = await worker(hub.url, 'fresh', 4);
    const client = new HubHttpClient({ baseUrl: hub.url });
    await client.signIn(payer.address, payer.signMessage);
    const first = await client.quote({ gpuCount: 1, constraints: { gpuModel: '4090' }, job, durationMs: 20_000 });
    expect((await refusal(client.quote({ gpuCount: 1, constraints: { gpuModel: '4090' }, job, durationMs: 20_000 }))).code).toBe('no_capacity');
    const why = (await client.workerReputation(fresh.workerId)).why;
    expect(why.exposure).toMatchObject({ established: false, maxConcurrentLeases: 1 });
    expect(why.exposure.why).toMatch(/New identity: at most 1 lease\(s\) at once/);

    // Two attestations passed (the renter's verifier reports them; the hub records them).
    await hub.leases.recordAttestation(fresh.workerId, first.leaseId, true, 'all rows checked');
    await hub.leases.recordAttestation(fresh.workerId, first.leaseId, true, 'all rows checked');
    const second = await client.quote({ gpuCount: 1, constraints: { gpuModel: '4090' }, job, durationMs: 20_000 });
    expect(second.placement.nodes[0]!.workerId).toBe(fresh.workerId);
    expect((await client.workerReputation(fresh.workerId)).attestationsPassed).toBe(2);
    expect((await client.evidence(first.leaseId)).evidence.filter((e) => e.kind === 'attestation')).toHaveLength(2);
    await client.terminate(first.leaseId);
    await client.terminate(second.leaseId);
  }, 30_000);
});
