import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getBase58Decoder } from '@solana/kit';
import { ACCESS_WINDOW_BYTES } from '../../common/access/access-protocol';
import { accessRequestText } from '../../common/access/access-request';
import type { AccessRequest } from '../../common/access/access-request';
import type { Quote } from '../../common/hub/lease-types';
import { AccessStreamError } from '../../hub-client/access-stream';
import { HubHttpClient } from '../../hub-client/hub-http-client';
import { RenterAccessClient } from '../../hub-client/renter-access-client';
import type { AccessTarget } from '../../hub-client/renter-access-client';
import { WorkerAccessClient } from '../../hub-client/worker-access-client';
import type { IncomingAccess } from '../../hub-client/worker-access-client';
import { WorkerClient } from '../../hub-client/worker-client';
import { SandboxChainServer } from '../../solana/sandbox/sandbox-chain-server';
import { ChainPaymentCheck } from '../payments/chain-payment-check';
import { ManualClock } from '../support/hub-clock';
import { gpus, hardware, MODELS, offerTerms } from '../testing/market-fixtures';
import { SandboxPayer } from '../testing/sandbox-payer';
import { startTestHub } from '../testing/test-hub';
import type { TestHub } from '../testing/test-hub';
import { testLogger } from '../testing/test-logger';
import { createTestWallet } from '../testing/test-wallet';

// The access relay between a real hub on loopback, a worker's access socket and a
// renter's, over leases paid on the sandbox chain. The worker side here answers streams
// itself (echo, or a byte source); the supplier app's own checks and Docker are tested in
// main/market/supplier/access.

const job = { image: '127.0.0.1:5000/idlegrid/busybox:1', command: ['sh', '-c', 'sleep 3600'] };
const base58 = getBase58Decoder();
const MIB = 1024 * 1024;

let chainDir: string;
let chain: SandboxChainServer;
let hub: TestHub;
let clock: ManualClock;
let worker: WorkerClient;
let access: WorkerAccessClient;
let payer: SandboxPayer;
let renterHttp: HubHttpClient;
let renter: RenterAccessClient;
/** How the worker answers the next opens (the default echoes). */
let onOpen: (incoming: IncomingAccess) => void;
const incomingStreams: IncomingAccess[] = [];

function echo(incoming: IncomingAccess): void {
  incoming.accept();
  incoming.stream.pipe(incoming.stream);
}

async function eventually(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function failure(promise: Promise<unknown>): Promise<AccessStreamError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AccessStreamError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

async function runningLease(gpuCount = 1): Promise<Quote> {
  const quote = await renterHttp.quote({ gpuCount, constraints: { gpuModel: '4090' }, job, durationMs: 3_600_000 });
  for (const p of quote.firstIncrement.payments) {
    const signature = await payer.pay(quote.leaseId, 0, p);
    await renterHttp.submitPayment(quote.leaseId, { increment: 0, payee: p.payee, signature });
  }
  await eventually(async () => (await renterHttp.lease(quote.leaseId)).state === 'running', 'the lease to run');
  return quote;
}

beforeAll(async () => {
  chainDir = mkdtempSync(join(tmpdir(), 'idlegrid-access-chain-'));
  chain = new SandboxChainServer({ logger: testLogger, dataDir: chainDir, slotIntervalMs: 0 });
  await chain.start();
  clock = new ManualClock(Date.now());
  hub = await startTestHub({
    clock,
    chain: { network: 'sandbox', mint: chain.chain.usdcMint, rpcUrl: chain.url, payments: ChainPaymentCheck.forRpc(chain.url) },
    timing: { heartbeatIntervalMs: 60_000, tickMs: 100 },
    access: { maxStreamsPerLease: 4, maxStreamsPerRenter: 6, openTimeoutMs: 5_000 },
  });
  const supplierWallet = createTestWallet();
  const supplierHttp = new HubHttpClient({ baseUrl: hub.url });
  const workerToken = async () => supplierHttp.token ?? (await supplierHttp.signIn(supplierWallet.address, (m) => supplierWallet.signMessage(m), 'worker')).token;
  const rig = gpus(MODELS.rtx4090.name, 2, MODELS.rtx4090.vramMiB, 'access');
  worker = new WorkerClient({ hubUrl: hub.url, token: workerToken, machineId: 'machine-access-0001', hardware: hardware(rig), region: 'eu-west', nowMs: () => clock.nowMs() });
  worker.on('message', (m) => {
    if (m.type === 'lease.paid' && m.increment === 0) {
      worker.reportNode(m.leaseId, 'pulling');
      worker.reportNode(m.leaseId, 'running');
    }
  });
  const welcome = await worker.start();
  await worker.publishOffer(offerTerms(rig.map((g) => g.uuid), '360000'));
  onOpen = echo;
  access = new WorkerAccessClient({
    hubUrl: hub.url,
    token: workerToken,
    workerId: welcome.workerId,
    reconnectMinMs: 50,
    reconnectMaxMs: 200,
    onOpen: (incoming) => {
      incoming.stream.on('error', () => undefined); // each test checks the renter's side
      incomingStreams.push(incoming);
      onOpen(incoming);
    },
  });
  access.start();
  await eventually(() => access.connected, 'the worker access socket');
  payer = await SandboxPayer.create(chain.url, chain.chain.usdcMint);
  renterHttp = new HubHttpClient({ baseUrl: hub.url });
  await renterHttp.signIn(payer.address, payer.signMessage);
  renter = new RenterAccessClient({ hubUrl: hub.url, token: async () => renterHttp.token!, address: payer.address, sign: payer.signMessage, nowMs: () => clock.nowMs(), timeoutMs: 10_000 });
}, 90_000);

afterAll(async () => {
  renter?.dispose();
  access?.stop();
  worker?.stop();
  await hub?.stop();
  await chain?.stop();
  rmSync(chainDir, { recursive: true, force: true });
});

describe('access relay', () => {
  let lease: Quote;
  const target = (extra: Partial<AccessTarget> = {}): AccessTarget => ({ leaseId: lease.leaseId, rank: 0, kind: 'terminal', cols: 80, rows: 24, ...extra });

  beforeAll(async () => {
    lease = await runningLease();
  }, 60_000);

  it('carries bytes both ways through the hub, UTF-8 intact, and passes resizes to the node', async () => {
    const resizes: Array<[number, number]> = [];
    onOpen = (incoming) => {
      incoming.stream.on('resize', (cols: number, rows: number) => resizes.push([cols, rows]));
      echo(incoming);
    };
    const stream = await renter.open(target());
    const received: Buffer[] = [];
    stream.on('data', (b: Buffer) => received.push(b));
    const text = 'echo hi-1234 — ünïcödé ✓ 端末\n';
    stream.write(text);
    await eventually(() => Buffer.concat(received).toString('utf8') === text, 'the echo');
    renter.resize(stream, 132, 43);
    await eventually(() => resizes.length === 1, 'the resize');
    expect(resizes).toEqual([[132, 43]]);
    stream.destroy();
    await eventually(() => hub.access.openStreams === 0, 'the stream to close at the hub');
    onOpen = echo;
  });

  it('moves 32 MiB with flow control: a reader that stops stalls the writer at about one window', async () => {
    const size = 32 * MIB;
    const source = Buffer.alloc(size);
    for (let i = 0; i < size; i += 4096) source.writeUInt32BE(i, i);
    let written = 0;
    onOpen = (incoming) => {
      incoming.accept();
      // Writes in 64 KiB pieces, each waiting for the previous (as a pipe would).
      const write = (offset: number): void => {
        if (offset >= size) {
          incoming.stream.end();
          return;
        }
        const piece = source.subarray(offset, offset + 64 * 1024);
        incoming.stream.write(piece, () => {
          written = offset + piece.length;
          write(offset + piece.length);
        });
      };
      write(0);
    };
    const stream = await renter.open(target({ kind: 'download', path: '/outputs/big.bin' }));
    stream.end(); // a download sends nothing: once both directions ended the stream closes
    const parts: Buffer[] = [];
    let got = 0;
    stream.on('data', (b: Buffer) => {
      parts.push(b);
      got += b.length;
      if (got >= 4 * MIB && got - b.length < 4 * MIB) stream.pause();
    });
    await eventually(() => stream.isPaused() && got >= 4 * MIB, 'the reader to pause');
    await new Promise((r) => setTimeout(r, 1_000));
    const stalledAt = written;
    await new Promise((r) => setTimeout(r, 500));
    // The writer got no further while nobody read: what is in flight is at most the window
    // plus the reader's own buffer (16 KiB high-water mark) and one 64 KiB piece.
    expect(written).toBe(stalledAt);
    expect(written - got).toBeLessThanOrEqual(ACCESS_WINDOW_BYTES + 64 * 1024 + 16 * 1024);
    const ended = new Promise<void>((resolve, reject) => {
      stream.once('end', resolve);
      stream.once('error', reject);
    });
    stream.resume();
    await ended;
    const all = Buffer.concat(parts);
    expect(all.length).toBe(size);
    expect(createHash('sha256').update(all).digest('hex')).toBe(createHash('sha256').update(source).digest('hex'));
    await eventually(() => hub.access.openStreams === 0, 'the finished stream to close at the hub');
    onOpen = echo;
  }, 60_000);

  it("refuses a stream for someone else's lease, a node that does not exist and a forged or stale request, each with a reason", async () => {
    const other = createTestWallet();
    const otherHttp = new HubHttpClient({ baseUrl: hub.url });
    await otherHttp.signIn(other.address, (m) => other.signMessage(m));
    const intruder = new RenterAccessClient({ hubUrl: hub.url, token: async () => otherHttp.token!, address: other.address, sign: (m) => other.signMessage(m), nowMs: () => clock.nowMs() });
    try {
      const theirs = await failure(intruder.open(target()));
      expect(theirs.code).toBe('not_found');
      expect(theirs.message).toContain(`no lease ${lease.leaseId}`);

      // Signed by the intruder but naming the real renter: the signature does not match.
      const request: AccessRequest = { ...target(), renter: payer.address, nonce: 'n'.repeat(20), issuedAtMs: clock.nowMs() };
      const forged = await failure(intruder.openSigned({ request, signature: base58.decode(await other.signMessage(new TextEncoder().encode(accessRequestText(request)))) }));
      expect(forged.code).toBe('forbidden');
      expect(forged.message).toContain('another wallet');
    } finally {
      intruder.dispose();
    }

    const missingNode = await failure(renter.open(target({ rank: 3 })));
    expect(missingNode.code).toBe('not_found');
    expect(missingNode.message).toContain('has no node 3');

    const real: AccessRequest = { ...target(), renter: payer.address, nonce: 'm'.repeat(20), issuedAtMs: clock.nowMs() };
    const tampered = await failure(renter.openSigned({ request: { ...real, port: 22, kind: 'forward' }, signature: base58.decode(await payer.signMessage(new TextEncoder().encode(accessRequestText(real)))) }));
    expect(tampered.code).toBe('bad_signature');

    const oldRequest: AccessRequest = { ...real, issuedAtMs: clock.nowMs() - 10 * 60_000 };
    const stale = await failure(renter.openSigned({ request: oldRequest, signature: base58.decode(await payer.signMessage(new TextEncoder().encode(accessRequestText(oldRequest)))) }));
    expect(stale.code).toBe('forbidden');
    expect(stale.message).toContain('more than 120 s ago');
    expect(incomingStreams.filter((i) => i.signed.request.renter !== payer.address || i.signed.request.rank !== 0)).toEqual([]);
  });

  it('keeps to the per-lease stream limit and says so', async () => {
    expect(hub.access.openStreams).toBe(0);
    const streams = await Promise.all([0, 1, 2, 3].map(() => renter.open(target())));
    for (const s of streams) s.on('error', () => undefined);
    const fifth = await failure(renter.open(target()));
    expect(fifth.code).toBe('rate_limited');
    expect(fifth.message).toContain('at most 4 open streams');
    for (const s of streams) s.destroy();
    await eventually(() => hub.access.openStreams === 0, 'the streams to close');
  });

  it("fails the renter's stream with a reason when the supplier's machine drops, and reconnects for the next one", async () => {
    const stream = await renter.open(target());
    const failed = new Promise<Error>((resolve) => stream.once('error', resolve));
    access.stop();
    const error = await failed;
    expect(error).toBeInstanceOf(AccessStreamError);
    expect(error.message).toContain("supplier's machine disconnected");
    const down = await failure(renter.open(target()));
    expect(down.code).toBe('unavailable');
    expect(down.message).toContain('not connected for access');
    access.start();
    await eventually(() => access.connected, 'the access socket to come back');
    const again = await renter.open(target());
    again.destroy();
  });

  it('closes every stream of a lease when it ends, and refuses new ones for the ended lease', async () => {
    const streams = await Promise.all([renter.open(target()), renter.open(target({ kind: 'forward', port: 8888 }))]);
    const workerSide = incomingStreams.slice(-2).map((i) => i.stream);
    const errors = streams.map((s) => new Promise<Error>((resolve) => s.once('error', resolve)));
    const workerClosed = workerSide.map((s) => new Promise<void>((resolve) => s.once('close', () => resolve())));
    await renterHttp.terminate(lease.leaseId);
    for (const error of await Promise.all(errors)) expect(error.message).toContain('The lease ended');
    await Promise.all(workerClosed);
    expect(hub.access.openStreams).toBe(0);
    const ended = await failure(renter.open(target()));
    expect(ended.code).toBe('conflict');
    expect(ended.message).toContain('has ended');
  });

  it('refuses a stream once the session has expired and closes the socket', async () => {
    clock.advance(8 * 86_400_000);
    const expired = await failure(renter.open(target()));
    expect(expired.code).toBe('unauthenticated');
    expect(expired.message).toContain('session with the hub expired');
  });
});
