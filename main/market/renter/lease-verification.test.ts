import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { InProcessProver } from '../../../common/attestation/attestation-prover';
import type { AttestationChallenge, NodeAttestationMessage } from '../../../common/attestation/attestation-wire';
import { InProcessAttestationChannel } from '../../../common/attestation/in-process-channel';
import { Emitter } from '../../../common/event';
import type { LeaseView } from '../../../common/hub/lease-types';
import type { WorkerLease } from '../../../common/hub/worker-messages';
import type { RentLeaseEvent } from '../../../common/market/rent-types';
import { LeaseAttestations } from '../supplier/lease-attestations';
import { failureText, verifyLease } from './lease-verification';

// Both apps' sides of the GPU check with the hub's relay reduced to what it does to the
// messages (rank, opaque GPU ids): the supplier's LeaseAttestations with the Sandbox's
// in-process node, and the renter's verifyLease. The node's opening is sent one row a
// message here (as the production opening must be, to fit the hub's 64 KiB frames) and
// the renter's channel joins it again.
const sha256 = (data: Uint8Array) => new Uint8Array(createHash('sha256').update(data).digest());
const LEASE = 'lease-v';
const UUID = 'GPU-1111';

class WrongRowProver extends InProcessProver {
  override productRow(i: number, b: Int32Array, out: Int32Array): Int32Array {
    super.productRow(i, b, out);
    out[1] = out[1]! - 1;
    return out;
  }
}

function view(): LeaseView {
  return {
    leaseId: LEASE,
    renter: 'r',
    state: 'reserved',
    endReason: null,
    createdAtMs: 0,
    expiresAtMs: 1,
    startedAtMs: null,
    paidThroughMs: null,
    incrementMs: 60_000,
    incrementCount: 1,
    graceMs: 1_000,
    token: 'USDC',
    mint: 'm',
    job: { image: 'x', masterPort: 29500 },
    placement: { gpuCount: 1, nodes: [{ rank: 0, workerId: 'w', offerId: 'o', supplier: 'SupplierAddress111', gpuModel: 'NVIDIA GeForce RTX 4090', vramMiB: 4096, pricePerGpuHour: '1', region: 'eu', interruptible: false, gpuIds: [`${LEASE}.0.0`] }] },
    nodes: [],
    increments: [],
    transitions: [],
    paidSoFar: '0',
    attestation: [{ rank: 0, state: 'preparing', reason: null, message: null, ready: null, updatedAtMs: 0 }],
  };
}

async function check(dishonest: boolean) {
  const events = new Emitter<RentLeaseEvent>();
  const outcomes: unknown[] = [];
  const relay = (message: NodeAttestationMessage): void => {
    const renamed = message.type === 'ready' ? { ...message, gpus: message.gpus.map((g) => ({ ...g, uuid: g.uuid === UUID ? `${LEASE}.0.0` : 'not-leased-0' })) } : message;
    events.fire({ leaseId: LEASE, event: { type: 'lease.attest', leaseId: LEASE, rank: 0, message: renamed, atMs: 1 } });
  };
  const sentToHub: NodeAttestationMessage[] = [];
  const node = new LeaseAttestations({
    start: async (lease) => {
      const channel = new InProcessAttestationChannel(
        { sha256, nowMs: () => performance.now(), pause: () => new Promise((r) => setImmediate(r)) },
        lease.gpuUuids,
        dishonest ? (sha, c: AttestationChallenge, g) => new WrongRowProver(sha, c, g) : undefined,
      );
      return { channel, prover: 'in-process', dispose: async () => channel.dispose() };
    },
    send: (_leaseId, message) => {
      sentToHub.push(message);
      relay(message);
    },
    changed: () => undefined,
    notice: () => undefined,
    nowMs: () => 1,
    logError: () => undefined,
    maxMessageBytes: 2_000,
  });
  const verifying = verifyLease(
    {
      send: (message) => {
        if (message.type === 'attest.send') setImmediate(() => node.toNode(LEASE, message.message));
        else outcomes.push(message);
        return true;
      },
      events: events.event,
      refresh: async () => view(),
      nowMs: () => performance.now(),
    },
    view(),
    'cpu',
  );
  // Placed after the verifier listens: the node's ready comes as a live event (a ready that came earlier is in the hub's view).
  node.prepare(workerLease());
  const verdicts = await verifying.finally(() => node.dispose());
  return { verdicts, outcomes, sentToHub };
}

function workerLease(): WorkerLease {
  return {
    leaseId: LEASE,
    state: 'reserved',
    renter: 'r',
    rank: 0,
    worldSize: 1,
    gpuUuids: [UUID],
    job: { image: 'x', masterPort: 29500 },
    peers: [],
    masterAddr: '127.0.0.1',
    masterPort: 29500,
    incrementMs: 60_000,
    graceMs: 1_000,
    incrementCount: 1,
    startedAtMs: null,
    paidThroughMs: null,
    mint: 'm',
    payments: [],
  };
}

describe('verify, then pay: both apps\u2019 sides of the GPU check', () => {
  it('an honest node passes, its opening sent one row a message and joined again; the outcome goes to the hub', async () => {
    const { verdicts, outcomes, sentToHub } = await check(false);
    expect(verdicts.map((v) => v.outcome.passed)).toEqual([true]);
    expect(sentToHub.filter((m) => m.type === 'opening').length).toBe(16);
    expect(outcomes).toEqual([expect.objectContaining({ type: 'attest.outcome', leaseId: LEASE, rank: 0, passed: true, reason: null })]);
  }, 60_000);

  it('a node whose product is wrong fails with attestation_wrong_row, and the renter reads which machine and why', async () => {
    const { verdicts, outcomes } = await check(true);
    expect(verdicts[0]!.outcome).toMatchObject({ passed: false, reason: 'attestation_wrong_row' });
    expect(outcomes).toEqual([expect.objectContaining({ passed: false, reason: 'attestation_wrong_row' })]);
    expect(failureText(verdicts)).toMatch(/^Nothing was paid\. machine 0 \(supplier Supplier…\) failed its GPU check: Row \d+ of the product is wrong/);
  }, 60_000);
});

