import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { costForGpuTime, costForIncrement } from '../common/hub/base-units';
import { HubHttpClient } from '../hub-client/hub-http-client';
import type { HubError } from '../common/hub/hub-errors';
import { HUB_PROTOCOL_VERSION, HUB_RENTER_WS_PATH, HUB_WORKER_WS_PATH, MAX_WORKER_MESSAGE_BYTES } from '../common/hub/hub-protocol';
import type { ClusterRequestInput, Quote } from '../common/hub/lease-types';
import { gpus, hardware, MODELS, offerTerms } from './testing/market-fixtures';
import { RawSocket } from './testing/raw-socket';
import { startTestHub } from './testing/test-hub';
import type { TestHub } from './testing/test-hub';
import { createTestWallet } from './testing/test-wallet';
import type { TestWallet } from './testing/test-wallet';
import { killAllWorkers, WorkerHandle } from './testing/worker-handle';
import { refusal } from './testing/refusal';

// The real hub on loopback with worker sessions as separate processes (no chain here:
// payment tests are in hub-payments.test.ts, against the sandbox chain).


async function renter(hub: TestHub): Promise<{ client: HubHttpClient; wallet: TestWallet }> {
  const wallet = createTestWallet();
  const client = new HubHttpClient({ baseUrl: hub.url });
  await client.signIn(wallet.address, wallet.signMessage);
  return { client, wallet };
}

/** A supplier's session: the worker audience, which opens the worker socket. */
async function supplier(hub: TestHub): Promise<{ client: HubHttpClient; wallet: TestWallet }> {
  const wallet = createTestWallet();
  const client = new HubHttpClient({ baseUrl: hub.url });
  await client.signIn(wallet.address, wallet.signMessage, 'worker');
  return { client, wallet };
}

const job = { image: '127.0.0.1:5000/idlegrid/busybox:1', command: ['sh', '-c', 'echo hi'] };
const v100 = (n: number, extra: Partial<ClusterRequestInput['constraints']> = {}): ClusterRequestInput => ({
  gpuCount: n,
  constraints: { gpuModel: 'V100', ...extra },
  job,
  durationMs: 3_600_000,
});

describe('hub market: workers, offers, search, gang placement', () => {
  let hub: TestHub;
  const wallets = { a: createTestWallet(), b: createTestWallet(), c: createTestWallet() };
  let a: WorkerHandle;
  let b: WorkerHandle;
  let c: WorkerHandle;

  beforeAll(async () => {
    hub = await startTestHub({ timing: { heartbeatIntervalMs: 500, reservationTtlMs: 120_000, tickMs: 100 } });
    const v100a = gpus(MODELS.v100.name, 8, MODELS.v100.vramMiB, 'a');
    const rtx = gpus(MODELS.rtx4090.name, 1, MODELS.rtx4090.vramMiB, 'b');
    const v100c = gpus(MODELS.v100.name, 2, MODELS.v100.vramMiB, 'c');
    [a, b, c] = await Promise.all([
      WorkerHandle.start({ hubUrl: hub.url, walletHex: wallets.a.privateKeyHex, machineId: 'machine-a-0001', hardware: hardware(v100a), region: 'eu-west', offers: [offerTerms(v100a.map((g) => g.uuid), '600000')] }),
      WorkerHandle.start({ hubUrl: hub.url, walletHex: wallets.b.privateKeyHex, machineId: 'machine-b-0001', hardware: hardware(rtx), region: 'eu-west', offers: [offerTerms(rtx.map((g) => g.uuid), '400000', { interruptible: true })] }),
      WorkerHandle.start({ hubUrl: hub.url, walletHex: wallets.c.privateKeyHex, machineId: 'machine-c-0001', hardware: hardware(v100c), region: 'us-east', offers: [offerTerms(v100c.map((g) => g.uuid), '650000')] }),
    ]);
  }, 60_000);

  afterAll(async () => {
    await killAllWorkers();
    await hub?.stop();
  });

  it('lists the published offers and applies every search filter over HTTP', async () => {
    const http = new HubHttpClient({ baseUrl: hub.url });
    const workerIds = async (q: Parameters<HubHttpClient['searchOffers']>[0]) => (await http.searchOffers(q)).offers.map((o) => o.workerId);
    const all = await http.searchOffers();
    expect(all.offers.map((o) => [o.workerId, o.gpuModel, o.freeGpus, o.pricePerGpuHour])).toEqual([
      [b.workerId, MODELS.rtx4090.name, 1, '400000'],
      [a.workerId, MODELS.v100.name, 8, '600000'],
      [c.workerId, MODELS.v100.name, 2, '650000'],
    ]);
    expect(all.offers[1]!.supplier).toBe(wallets.a.address);
    expect(all.offers[0]!.performance).toBeGreaterThan(all.offers[1]!.performance);
    // Nothing is known of these machines yet: the market shows them as new, not as a reliability figure.
    expect(all.offers.map((o) => o.newMachine)).toEqual(all.offers.map(() => true));
    expect(await workerIds({ gpuModel: 'v100' })).toEqual([a.workerId, c.workerId]);
    expect(await workerIds({ minVramMiB: 30_000 })).toEqual([a.workerId, c.workerId]);
    expect(await workerIds({ minGpus: 3 })).toEqual([a.workerId]);
    expect(await workerIds({ maxPricePerGpuHour: '600000' })).toEqual([b.workerId, a.workerId]);
    expect(await workerIds({ minReliability: 0 })).toHaveLength(3);
    expect(await workerIds({ minReliability: 1 })).toEqual([]);
    expect(await workerIds({ interruptible: true })).toEqual([b.workerId]);
    expect(await workerIds({ region: 'us-east' })).toEqual([c.workerId]);
    expect(await workerIds({ sort: 'performance', limit: 1 })).toEqual([b.workerId]);
    expect((await http.searchOffers({ limit: 2 })).nextOffset).toBe(2);
    expect((await refusal(http.searchOffers({ sort: 'cheapest' as never }))).code).toBe('invalid_message');
    expect((await refusal(http.searchOffers({ maxPricePerGpuHour: '0.5' }))).code).toBe('invalid_message');
  });

  it('places a cluster across two workers, tells each its rank and peers, and frees it all on terminate', async () => {
    const { client } = await renter(hub);
    const quote = await client.quote(v100(9));
    expect(quote.placement.nodes.map((n) => [n.rank, n.workerId, n.gpuIds.length])).toEqual([
      [0, a.workerId, 8],
      [1, c.workerId, 1],
    ]);
    expect(quote.perIncrement.payments).toEqual([
      { payee: wallets.a.address, amount: costForIncrement(600_000n, 8, quote.incrementMs, 0).toString() },
      { payee: wallets.c.address, amount: costForIncrement(650_000n, 1, quote.incrementMs, 0).toString() },
    ]);
    expect(quote.incrementCount).toBe(Math.ceil(3_600_000 / quote.incrementMs));
    // The increments sum exactly to the whole lease's cost, rounded once (not once per increment).
    const leaseMs = quote.incrementCount * quote.incrementMs;
    expect(BigInt(quote.total)).toBe(costForGpuTime(600_000n, 8, leaseMs) + costForGpuTime(650_000n, 1, leaseMs));
    const first = quote.firstIncrement.payments;
    const hubId = (await client.info()).hubId;
    expect(first.map((p) => p.memo)).toEqual([`idlegrid:${hubId}:${quote.leaseId}:0`, `idlegrid:${hubId}:${quote.leaseId}:0`]);
    expect(new Set(first.map((p) => p.reference)).size).toBe(2);

    const assignedA = await a.waitForHub('lease.assigned', (m) => m.lease.leaseId === quote.leaseId);
    const assignedC = await c.waitForHub('lease.assigned', (m) => m.lease.leaseId === quote.leaseId);
    expect([assignedA.lease.rank, assignedC.lease.rank]).toEqual([0, 1]);
    expect(assignedC.lease.worldSize).toBe(2);
    expect(assignedC.lease.masterAddr).toBe('127.0.0.1');
    expect(assignedC.lease.peers.map((p) => p.workerId)).toEqual([a.workerId, c.workerId]);
    expect(assignedC.lease.gpuUuids).toHaveLength(quote.placement.nodes[1]!.gpuIds.length);
    const node1 = quote.placement.nodes[1]!;
    expect(assignedC.lease.payments.map((p) => p.amount)).toEqual(
      Array.from({ length: quote.incrementCount }, (_, k) => costForIncrement(BigInt(node1.pricePerGpuHour), node1.gpuIds.length, quote.incrementMs, k).toString()),
    );

    const search = await client.searchOffers({ gpuModel: 'V100' });
    expect(search.offers.map((o) => o.freeGpus)).toEqual([1]); // A is full, C has one left

    const ended = await client.terminate(quote.leaseId);
    expect([ended.state, ended.endReason]).toEqual(['ended', 'terminated']);
    expect(ended.transitions.map((t) => t.to)).toEqual(['reserved', 'ended']);
    await a.waitForHub('lease.stop', (m) => m.leaseId === quote.leaseId && m.reason === 'terminated');
    await c.waitForHub('lease.stop', (m) => m.leaseId === quote.leaseId);
    expect((await client.searchOffers({ gpuModel: 'V100' })).offers.map((o) => o.freeGpus)).toEqual([8, 2]);
  });

  it('reserves nothing when the whole cluster does not fit (all or nothing)', async () => {
    const { client } = await renter(hub);
    const error = await refusal(client.quote(v100(11)));
    expect(error.code).toBe('no_capacity');
    expect(error.message).toMatch(/11 GPU/);
    expect((await refusal(client.quote(v100(3, { maxNodes: 1, region: 'us-east' })))).code).toBe('no_capacity');
    expect((await client.searchOffers({ gpuModel: 'V100' })).offers.map((o) => o.freeGpus)).toEqual([8, 2]);
    expect((await client.leases()).length).toBe(0);
  });

  it('never double-books the last GPUs under concurrent requests', async () => {
    const { client: big } = await renter(hub);
    const eight = await big.quote(v100(8));
    expect(eight.placement.nodes.map((n) => n.workerId)).toEqual([a.workerId]);
    const renters = await Promise.all(Array.from({ length: 6 }, () => renter(hub)));
    const results = await Promise.allSettled(renters.map((r) => r.client.quote(v100(1))));
    const won = results.filter((r): r is PromiseFulfilledResult<Quote> => r.status === 'fulfilled').map((r) => r.value);
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(2);
    expect(lost.map((r) => (r.reason as HubError).code)).toEqual(Array(4).fill('no_capacity'));
    // Renters see opaque ids only; the worker is told the exact GPUs of each lease.
    expect(won.every((q) => q.placement.nodes.every((n) => n.workerId === c.workerId))).toBe(true);
    const assigned = await Promise.all(won.map((q) => c.waitForHub('lease.assigned', (m) => m.lease.leaseId === q.leaseId)));
    const gpusWon = assigned.flatMap((m) => m.lease.gpuUuids);
    expect(new Set(gpusWon).size).toBe(2);
    expect(gpusWon.every((g) => g.startsWith('GPU-c-'))).toBe(true);
    expect((await big.searchOffers({ gpuModel: 'V100' })).offers).toEqual([]);
    await big.terminate(eight.leaseId);
    for (const [i, r] of results.entries()) if (r.status === 'fulfilled') await renters[i]!.client.terminate(r.value.leaseId);
    expect((await big.searchOffers({ gpuModel: 'V100' })).offers.map((o) => o.freeGpus)).toEqual([8, 2]);
  });

  it('says when GPUs are held by unpaid quotes, and a discarded quote frees them at once', async () => {
    const { client } = await renter(hub);
    const held = await client.quote(v100(8));
    const { client: other } = await renter(hub);
    const third = await other.quote(v100(2));
    // The next V100 request cannot fit: the refusal says quotes hold GPUs and whose.
    const refused = await client.quote(v100(9)).then(
      () => null,
      (error: unknown) => error as HubError,
    );
    expect(refused?.code).toBe('no_capacity');
    expect(refused?.message).toMatch(/10 GPU\(s\) are held by unpaid quotes \(8 by your own quote: discard it to free them at once\); the first is released in \d+ s unless paid\./);
    // Discarding (terminating the unpaid quote) releases its GPUs now, not at the quote's deadline.
    await client.terminate(held.leaseId);
    expect((await client.searchOffers({ gpuModel: 'V100' })).offers.map((o) => o.freeGpus)).toEqual([8]);
    const again = await client.quote(v100(8));
    await client.terminate(again.leaseId);
    await other.terminate(third.leaseId);
  });

  it('relays a worker\'s log lines to the renter\'s subscription, and only the renter may subscribe', async () => {
    const { client } = await renter(hub);
    const quote = await client.quote({ gpuCount: 1, constraints: { gpuModel: '4090' }, job, durationMs: 600_000 });
    await b.waitForHub('lease.assigned', (m) => m.lease.leaseId === quote.leaseId);
    b.send({ cmd: 'log', leaseId: quote.leaseId, stream: 'stdout', text: 'pulling layer 1/3\n' });

    const feed = await RawSocket.open(hub.url, HUB_RENTER_WS_PATH);
    feed.send({ type: 'subscribe', leaseId: quote.leaseId });
    expect(await feed.next((m) => m.type === 'error')).toMatchObject({ code: 'unauthenticated', inReplyTo: 'subscribe', reason: 'hello_missing' });
    feed.send({ type: 'hello', protocolVersion: HUB_PROTOCOL_VERSION, token: client.token });
    await feed.next((m) => m.type === 'welcome');
    feed.send({ type: 'subscribe', leaseId: quote.leaseId });
    expect(await feed.next((m) => m.type === 'subscribed')).toMatchObject({ lease: { leaseId: quote.leaseId, state: 'reserved' } });
    expect(await feed.next((m) => m.type === 'lease.log')).toMatchObject({ rank: 0, text: 'pulling layer 1/3\n' }); // the tail
    b.send({ cmd: 'log', leaseId: quote.leaseId, stream: 'stderr', text: 'layer 2/3\n' });
    expect(await feed.next((m) => m.type === 'lease.log')).toMatchObject({ stream: 'stderr', text: 'layer 2/3\n' });

    const { client: stranger } = await renter(hub);
    const other = await RawSocket.open(hub.url, HUB_RENTER_WS_PATH);
    other.send({ type: 'hello', protocolVersion: HUB_PROTOCOL_VERSION, token: stranger.token });
    await other.next((m) => m.type === 'welcome');
    other.send({ type: 'subscribe', leaseId: quote.leaseId });
    // The stable reason travels with the code on the socket and over HTTP, rebuilt by the client.
    expect(await other.next((m) => m.type === 'error')).toMatchObject({ code: 'not_found', reason: 'lease_not_found' });
    expect(await refusal(stranger.lease(quote.leaseId))).toMatchObject({ code: 'not_found', reason: 'lease_not_found' });
    expect((await refusal(stranger.terminate(quote.leaseId))).code).toBe('not_found');

    await client.terminate(quote.leaseId);
    expect(await feed.next((m) => m.type === 'lease.state')).toMatchObject({ state: 'ended', endReason: 'terminated' });
    feed.close();
    other.close();
  });

  it('resumes a worker that reconnects: same worker id, its offers and its leases', async () => {
    const { client } = await renter(hub);
    const quote = await client.quote({ gpuCount: 1, constraints: { gpuModel: '4090' }, job, durationMs: 600_000 });
    await b.waitForHub('lease.assigned', (m) => m.lease.leaseId === quote.leaseId);
    const before = b.reports.length;
    b.send({ cmd: 'drop' });
    await b.waitFor((r) => r.event === 'disconnected' && b.reports.indexOf(r) >= before);
    const welcome = await b.waitFor((r) => r.event === 'hub' && r.message.type === 'welcome' && b.reports.indexOf(r) >= before);
    if (welcome.event !== 'hub' || welcome.message.type !== 'welcome') throw new Error('unreachable');
    expect(welcome.message.workerId).toBe(b.workerId);
    expect(welcome.message.offers.map((o) => o.offerId)).toEqual(b.offerIds);
    expect(welcome.message.leases.map((l) => [l.leaseId, l.state])).toEqual([[quote.leaseId, 'reserved']]);
    expect((await client.lease(quote.leaseId)).state).toBe('reserved');
    await client.terminate(quote.leaseId);
  });

  it('rejects malformed, oversized, unauthenticated and out-of-order messages with a reason while other connections carry on', async () => {
    const socket = await RawSocket.open(hub.url, HUB_WORKER_WS_PATH);
    socket.send('{not json');
    expect(await socket.next((m) => m.type === 'error')).toMatchObject({ code: 'invalid_message', reason: 'message_not_json' });
    socket.send({ type: 'heartbeat', seq: 1, sentAtMs: Date.now() });
    expect(await socket.next((m) => m.type === 'error')).toMatchObject({ code: 'unauthenticated', inReplyTo: 'heartbeat' });
    socket.send({ type: 'teleport' });
    expect(await socket.next((m) => m.type === 'error')).toMatchObject({ code: 'invalid_message' });

    // The raw worker's supplier and the renter are different wallets (a renter is never placed on its own offers).
    const { client: supplierClient, wallet } = await supplier(hub);
    const { client } = await renter(hub);
    const rig = gpus(MODELS.rtx2080.name, 1, MODELS.rtx2080.vramMiB, `raw-${wallet.address.slice(0, 6)}`);
    const hello = { type: 'hello', protocolVersion: HUB_PROTOCOL_VERSION, token: supplierClient.token, machineId: 'machine-raw-0001', hardware: hardware(rig), region: 'eu-west' };
    socket.send({ ...hello, hardware: { gpus: [{ uuid: 'GPU-x', model: 'X', vramMiB: -1, index: 0 }] } });
    expect(await socket.next((m) => m.type === 'error')).toMatchObject({ code: 'invalid_message', inReplyTo: 'hello' });
    socket.send(hello);
    const welcome = await socket.next((m) => m.type === 'welcome');
    socket.send(hello);
    expect(await socket.next((m) => m.type === 'error')).toMatchObject({ code: 'out_of_order', inReplyTo: 'hello' });
    socket.send({ type: 'lease.node', leaseId: 'lease-nope', state: 'running' });
    expect(await socket.next((m) => m.type === 'error')).toMatchObject({ code: 'not_found', inReplyTo: 'lease.node' });
    socket.send({ type: 'offer.publish', ref: 'x1', terms: offerTerms(['GPU-not-mine'], '100') });
    expect(await socket.next((m) => m.type === 'error')).toMatchObject({ code: 'invalid_message', ref: 'x1' });
    socket.send({ type: 'offer.publish', ref: 'x0', terms: offerTerms([rig[0]!.uuid], '0') });
    expect(await socket.next((m) => m.type === 'error')).toMatchObject({ code: 'invalid_message', inReplyTo: 'offer.publish' });
    socket.send({ type: 'offer.publish', ref: 'x2', terms: offerTerms([rig[0]!.uuid], '100') });
    await socket.next((m) => m.type === 'offer.published');

    // A lease on this raw worker, still unpaid: reporting it running is out of order.
    const quote = await client.quote({ gpuCount: 1, constraints: { gpuModel: '2080' }, job, durationMs: 600_000 });
    await socket.next((m) => m.type === 'lease.assigned');
    socket.send({ type: 'lease.node', leaseId: quote.leaseId, state: 'running' });
    const early = await socket.next((m) => m.type === 'error');
    expect(early).toMatchObject({ code: 'out_of_order', inReplyTo: 'lease.node' });
    expect(String(early.message)).toMatch(/paid/);

    // Oversized: over the protocol limit → refused with a reason, socket stays up …
    socket.send({ type: 'lease.log', leaseId: quote.leaseId, stream: 'stdout', text: 'x'.repeat(MAX_WORKER_MESSAGE_BYTES) });
    expect(await socket.next((m) => m.type === 'error')).toMatchObject({ code: 'too_large' });
    socket.send({ type: 'heartbeat', seq: 2, sentAtMs: Date.now() });
    await socket.next((m) => m.type === 'heartbeat.ack');
    // … far over it → the socket is closed with 1009 (message too big).
    socket.send('x'.repeat(MAX_WORKER_MESSAGE_BYTES * 5));
    expect((await socket.waitClosed()).code).toBe(1009);

    // A bad token closes with 4401; a wrong protocol version with 4426.
    const stranger = await RawSocket.open(hub.url, HUB_WORKER_WS_PATH);
    stranger.send({ ...hello, token: 'not-a-session' });
    expect(await stranger.next((m) => m.type === 'error')).toMatchObject({ code: 'unauthenticated' });
    expect((await stranger.waitClosed()).code).toBe(4401);
    const future = await RawSocket.open(hub.url, HUB_WORKER_WS_PATH);
    future.send({ ...hello, protocolVersion: 99 });
    expect(await future.next((m) => m.type === 'error')).toMatchObject({ code: 'version_mismatch' });
    expect((await future.waitClosed()).code).toBe(4426);

    // Meanwhile the worker processes never lost their connections and still get answers.
    expect(welcome.workerId).toBeTruthy();
    for (const w of [a, b, c]) expect(w.reports.filter((r) => r.event === 'disconnected' && r.code !== 1006).length).toBe(0);
    expect((await client.searchOffers({ gpuModel: 'V100' })).offers).toHaveLength(2);
    await client.terminate(quote.leaseId);
  });

  it('refuses oversized, malformed and unauthenticated HTTP requests with a reason', async () => {
    const { client } = await renter(hub);
    const post = (body: string, token?: string | null) =>
      fetch(`${hub.url}/v1/quotes`, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body });
    const big = await post(JSON.stringify({ gpuCount: 1, job: { image: 'x', command: ['x'.repeat(100_000)] }, durationMs: 1 }), client.token);
    expect(big.status).toBe(413);
    expect(((await big.json()) as { error: { code: string } }).error.code).toBe('too_large');
    const broken = await post('{"gpuCount": ', client.token);
    expect([broken.status, ((await broken.json()) as { error: { code: string } }).error.code]).toEqual([400, 'invalid_message']);
    const invalid = await post(JSON.stringify({ gpuCount: 0, job, durationMs: 1 }), client.token);
    expect(((await invalid.json()) as { error: { message: string } }).error.message).toMatch(/gpuCount/);
    const anonymous = await post(JSON.stringify(v100(1)));
    expect([anonymous.status, ((await anonymous.json()) as { error: { code: string } }).error.code]).toEqual([401, 'unauthenticated']);
    expect((await fetch(`${hub.url}/v1/nowhere`)).status).toBe(404);
    expect((await fetch(`${hub.url}/v1/quotes`)).status).toBe(400); // wrong method
    expect((await client.searchOffers()).offers).toHaveLength(3); // and the hub carries on
  });

  it('rate-limits a flooding worker socket per identity with a reason', async () => {
    const { client } = await supplier(hub);
    const rig = gpus(MODELS.rtx2080.name, 1, MODELS.rtx2080.vramMiB, 'flood');
    const socket = await RawSocket.open(hub.url, HUB_WORKER_WS_PATH);
    socket.send({ type: 'hello', protocolVersion: HUB_PROTOCOL_VERSION, token: client.token, machineId: 'machine-flood-01', hardware: hardware(rig), region: 'eu-west' });
    await socket.next((m) => m.type === 'welcome');
    for (let i = 0; i < 400; i++) socket.send({ type: 'heartbeat', seq: i, sentAtMs: Date.now() });
    expect(await socket.next((m) => m.type === 'error')).toMatchObject({ code: 'rate_limited' });
    socket.close();
  });
});

describe('hub market: deadlines and presence', () => {
  let hub: TestHub;
  let w: WorkerHandle;

  beforeAll(async () => {
    hub = await startTestHub({ timing: { heartbeatIntervalMs: 200, missedHeartbeats: 3, reservationTtlMs: 1_500, supplierLostGraceMs: 60_000, tickMs: 100 } });
    const rig = gpus(MODELS.rtx4090.name, 2, MODELS.rtx4090.vramMiB, 'dl');
    w = await WorkerHandle.start({ hubUrl: hub.url, walletHex: createTestWallet().privateKeyHex, machineId: 'machine-dl-0001', hardware: hardware(rig), region: 'eu-west', offers: [offerTerms(rig.map((g) => g.uuid), '400000')] });
  }, 60_000);

  afterAll(async () => {
    await killAllWorkers();
    await hub?.stop();
  });

  it('ends an unpaid reservation at its deadline, stops the worker and frees the GPUs', async () => {
    const { client } = await renter(hub);
    const quote = await client.quote({ gpuCount: 2, constraints: {}, job, durationMs: 600_000 });
    expect((await client.searchOffers()).offers).toEqual([]);
    const stop = await w.waitForHub('lease.stop', (m) => m.leaseId === quote.leaseId);
    expect(stop.reason).toBe('unpaid');
    const view = await client.lease(quote.leaseId);
    expect([view.state, view.endReason]).toEqual(['ended', 'unpaid']);
    expect(view.transitions.at(-1)!.reason).toMatch(/not paid before the reservation expired/);
    expect(view.transitions.at(-1)!.atMs).toBeGreaterThanOrEqual(quote.expiresAtMs);
    expect((await client.searchOffers()).offers.map((o) => o.freeGpus)).toEqual([2]);
    // An expired reservation is not a missed payment, but it is on the renter's record (issue 14.4).
    const reputation = await client.renterReputation((await client.leases())[0]!.renter);
    expect([reputation.incrementsMissed, reputation.reservationsExpired]).toEqual([0, 1]);
    expect(reputation.score).toBeLessThan(1);
  });

  it('declares a worker offline when its heartbeats stop; it reconnects and resumes', async () => {
    const http = new HubHttpClient({ baseUrl: hub.url });
    w.send({ cmd: 'pause-heartbeats' });
    const dropped = await w.waitFor((r) => r.event === 'disconnected');
    expect(dropped).toMatchObject({ code: 4408 });
    const resumed = await w.waitFor((r) => r.event === 'hub' && r.message.type === 'welcome' && w.reports.indexOf(r) > w.reports.indexOf(dropped));
    expect(resumed.event === 'hub' && resumed.message.type === 'welcome' && resumed.message.workerId).toBe(w.workerId);
    const reputation = await http.workerReputation(w.workerId);
    expect(reputation.hardwareChecksTotal).toBeGreaterThanOrEqual(2);
    expect(reputation.online).toBe(true);
  });
});

describe('hub market: connection storms', () => {
  it('limits hellos per address and closes the extra sockets with a reason, so they retry with backoff', async () => {
    const hub = await startTestHub({ limits: { connectsPerSec: 1, connectBurst: 2 } });
    try {
      const { client } = await supplier(hub);
      const hello = (i: number) => ({
        type: 'hello',
        protocolVersion: HUB_PROTOCOL_VERSION,
        token: client.token,
        machineId: `machine-storm-${i}`,
        hardware: hardware(gpus(MODELS.rtx4090.name, 1, MODELS.rtx4090.vramMiB, `storm-${i}`)),
        region: 'eu-west',
      });
      const sockets = await Promise.all([0, 1, 2].map(() => RawSocket.open(hub.url, HUB_WORKER_WS_PATH)));
      sockets.forEach((s, i) => s.send(hello(i)));
      await sockets[0]!.next((m) => m.type === 'welcome');
      await sockets[1]!.next((m) => m.type === 'welcome');
      expect(await sockets[2]!.next((m) => m.type === 'error')).toMatchObject({ code: 'rate_limited' });
      expect((await sockets[2]!.waitClosed()).code).toBe(4429);
      for (const s of sockets) s.close();
    } finally {
      await hub.stop();
    }
  });
});
