import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HubHttpClient } from '../hub-client/hub-http-client';
import { HUB_PROTOCOL_VERSION, HUB_RENTER_WS_PATH } from '../common/hub/hub-protocol';
import type { HubToWorkerMessage } from '../common/hub/worker-messages';
import { gpus, hardware, MODELS, offerTerms } from './testing/market-fixtures';
import { RawSocket } from './testing/raw-socket';
import { startTestHub } from './testing/test-hub';
import type { TestHub } from './testing/test-hub';
import { createTestWallet } from './testing/test-wallet';
import { killAllWorkers, WorkerHandle } from './testing/worker-handle';

// The hub's relay of a reserved lease's GPU check (issue 13), as attackers would use it:
// a renter that claims outcomes for checks that never ran or shops for a second challenge,
// a stranger speaking to someone else's lease, a machine answering for a lease it does not
// hold. Real hub on loopback, a real worker process (told to stay silent, so the test says
// the node's lines itself through its socket), a bare renter socket.
const job = { image: '127.0.0.1:5000/idlegrid/busybox:1', command: ['sh', '-c', 'echo hi'] };
const challenge = { type: 'challenge', seed: [1, 2, 3, 4], device: 'cpu', n: 256, blocksPerGpu: 1, groupRows: 64 };

async function renterSocket(hub: TestHub): Promise<{ http: HubHttpClient; socket: RawSocket }> {
  const wallet = createTestWallet();
  const http = new HubHttpClient({ baseUrl: hub.url });
  const { token } = await http.signIn(wallet.address, wallet.signMessage);
  const socket = await RawSocket.open(hub.url, HUB_RENTER_WS_PATH);
  socket.send({ type: 'hello', protocolVersion: HUB_PROTOCOL_VERSION, token });
  await socket.next((m) => m.type === 'welcome');
  return { http, socket };
}

describe('hub: the GPU check relay refuses what the check did not show', () => {
  let hub: TestHub;
  let worker: WorkerHandle;
  const rig = gpus(MODELS.rtx4090.name, 2, MODELS.rtx4090.vramMiB, 'relay');

  beforeAll(async () => {
    hub = await startTestHub({ timing: { heartbeatIntervalMs: 500, reservationTtlMs: 120_000, tickMs: 100 } });
    worker = await WorkerHandle.start({
      hubUrl: hub.url,
      walletHex: createTestWallet().privateKeyHex,
      machineId: 'machine-relay-0001',
      hardware: hardware(rig),
      region: 'eu-west',
      offers: [offerTerms(rig.map((g) => g.uuid), '400000')],
      attestation: 'silent',
    });
  }, 60_000);

  afterAll(async () => {
    await killAllWorkers();
    await hub?.stop();
  });

  it('relays the ready with opaque GPU ids, one challenge per node, and records a pass only after a relayed check', async () => {
    const { http, socket } = await renterSocket(hub);
    const quote = await http.quote({ gpuCount: 1, constraints: { gpuModel: '4090' }, job, durationMs: 3_600_000 });
    const assigned = await worker.waitForHub('lease.assigned', (m) => m.lease.leaseId === quote.leaseId);
    const leaseId = quote.leaseId;
    socket.send({ type: 'subscribe', leaseId });
    const subscribed = await socket.next((m) => m.type === 'subscribed');
    expect((subscribed.lease as { attestation: Array<{ state: string }> }).attestation).toEqual([expect.objectContaining({ rank: 0, state: 'preparing' })]);

    // A pass for a check the hub never relayed is refused.
    socket.send({ type: 'attest.outcome', leaseId, rank: 0, passed: true, reason: null, message: 'trust me' });
    expect(await socket.next((m) => m.type === 'error')).toMatchObject({ reason: 'attestation_not_challenged' });

    // The node's ready reaches the renter with the lease's opaque ids, never the UUID; a GPU it was not leased stays nameless.
    const uuid = assigned.lease.gpuUuids[0]!;
    worker.send({ cmd: 'raw', text: JSON.stringify({ type: 'lease.attest', leaseId, message: { type: 'ready', device: 'cpu', torch: 'x', gpus: [{ uuid, model: null, memoryMiB: null }, { uuid: 'GPU-someone-elses', model: null, memoryMiB: null }] } }) });
    const ready = await socket.next((m) => m.type === 'lease.attest');
    const seen = (ready.message as { gpus: Array<{ uuid: string }> }).gpus.map((g) => g.uuid);
    expect(seen).toEqual([`${leaseId}.0.0`, 'not-leased-0']);
    expect(JSON.stringify(ready)).not.toContain(uuid);

    // The challenge goes to the node; a second one (shopping for an easy seed) is refused.
    socket.send({ type: 'attest.send', leaseId, rank: 0, message: challenge });
    const relayed = await worker.waitForHub('lease.attest', (m) => m.leaseId === leaseId);
    expect(relayed.message).toMatchObject({ type: 'challenge', seed: [1, 2, 3, 4] });
    socket.send({ type: 'attest.send', leaseId, rank: 0, message: { ...challenge, seed: [5, 6, 7, 8] } });
    expect(await socket.next((m) => m.type === 'error')).toMatchObject({ reason: 'attestation_already_challenged' });

    // Now the verifier's failure counts, the supplier is told why in plain words, and the outcome is final.
    socket.send({ type: 'attest.outcome', leaseId, rank: 0, passed: false, reason: 'attestation_wrong_row', message: 'Row 7 of the product is wrong.' });
    const told = (await worker.waitForHub('lease.attested', (m) => m.leaseId === leaseId)) as Extract<HubToWorkerMessage, { type: 'lease.attested' }>;
    expect(told).toMatchObject({ passed: false, reason: 'attestation_wrong_row', message: 'Row 7 of the product is wrong.' });
    expect(told.advice).toMatch(/wrong results/);
    socket.send({ type: 'attest.outcome', leaseId, rank: 0, passed: true, reason: null, message: 'changed my mind' });
    expect(await socket.next((m) => m.type === 'error')).toMatchObject({ reason: 'attestation_over' });
    expect((await http.workerReputation(assigned.lease.peers[0]!.workerId)).attestationsFailed).toBe(1);
    const evidence = await http.evidence(leaseId);
    expect(evidence.evidence.filter((e) => e.kind === 'attestation').map((e) => e.body)).toEqual([{ passed: false, reason: 'attestation_wrong_row: Row 7 of the product is wrong.' }]);
    await http.terminate(leaseId);
    socket.close();
  }, 60_000);

  it('keeps a failure claimed for a check the hub never saw as evidence only; strangers and other machines are refused', async () => {
    const { http, socket } = await renterSocket(hub);
    const quote = await http.quote({ gpuCount: 1, constraints: { gpuModel: '4090' }, job, durationMs: 3_600_000 });
    const leaseId = quote.leaseId;
    const workerId = (await worker.waitForHub('lease.assigned', (m) => m.lease.leaseId === leaseId)).lease.peers[0]!.workerId;
    const failedBefore = (await http.workerReputation(workerId)).attestationsFailed;

    // Someone else's socket cannot speak to this lease at all.
    const stranger = await renterSocket(hub);
    stranger.socket.send({ type: 'attest.send', leaseId, rank: 0, message: challenge });
    expect(await stranger.socket.next((m) => m.type === 'error')).toMatchObject({ reason: 'lease_not_found' });
    stranger.socket.close();

    // A machine cannot answer for a lease it does not hold.
    worker.send({ cmd: 'raw', text: JSON.stringify({ type: 'lease.attest', leaseId: 'lease-not-mine', message: { type: 'error', reason: 'attestation_failed', message: 'x' } }) });
    const refused = await worker.waitForHub('error', (m) => m.reason === 'lease_not_found');
    expect(refused.code).toBe('not_found');

    // The renter claims a failure before any check ran: kept, not counted against the machine.
    socket.send({ type: 'attest.outcome', leaseId, rank: 0, passed: false, reason: 'attestation_no_answer', message: 'it never answered' });
    await worker.waitForHub('lease.attested', (m) => m.leaseId === leaseId);
    expect((await http.workerReputation(workerId)).attestationsFailed).toBe(failedBefore);
    const evidence = await http.evidence(leaseId);
    expect(evidence.evidence.filter((e) => e.kind === 'attestation').map((e) => e.body)).toEqual([{ passed: false, reason: 'attestation_no_answer: it never answered', counted: false }]);
    await http.terminate(leaseId);
    socket.close();
  }, 60_000);
});
