import { createHash, randomInt } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { attestationParams } from '../../../common/attestation/attestation-params';
import { AttestationChannelError, attestNode } from '../../../common/attestation/attestation-session';
import type { AttestationChannel } from '../../../common/attestation/attestation-session';
import { AttestationVerifier } from '../../../common/attestation/attestation-verifier';
import type { AttestationChallenge, AttestationOpen, NodeAttestationMessage } from '../../../common/attestation/attestation-wire';
import { InProcessAttestationChannel } from '../../../common/attestation/in-process-channel';
import type { WorkerLease } from '../../../common/hub/worker-messages';
import { LeaseAttestations } from './lease-attestations';

// The supplier app's side of the GPU check: a reserved lease's node is prepared, its
// messages go to the hub, the verifier's come back; here the "hub" is a queue between this
// machine's LeaseAttestations and a real verifier, and the node is the Sandbox's in-process one.
const sha256 = (data: Uint8Array) => new Uint8Array(createHash('sha256').update(data).digest());
const claim = { gpuModel: 'NVIDIA GeForce RTX 4090', vramMiB: 4096, gpuCount: 1 };

function reserved(leaseId: string): WorkerLease {
  return {
    leaseId,
    state: 'reserved',
    renter: 'renter',
    rank: 0,
    worldSize: 1,
    gpuUuids: ['GPU-aaaa'],
    job: { image: 'busybox', masterPort: 29500 },
    peers: [],
    masterAddr: '127.0.0.1',
    masterPort: 29500,
    incrementMs: 600_000,
    graceMs: 60_000,
    incrementCount: 1,
    startedAtMs: null,
    paidThroughMs: null,
    mint: 'mint',
    payments: [],
  };
}

/** The hub as the verifier sees it: the node's messages in order; its own go to `toNode`. */
function hubChannel(sent: NodeAttestationMessage[], toNode: (m: AttestationChallenge | AttestationOpen) => void): AttestationChannel {
  return {
    send: (m) => toNode(m as AttestationChallenge | AttestationOpen),
    next: async (timeoutMs) => {
      const until = Date.now() + timeoutMs;
      while (sent.length === 0) {
        if (Date.now() > until) throw new AttestationChannelError('attestation_no_answer', 'no answer');
        await new Promise((r) => setTimeout(r, 10));
      }
      return sent.shift()!;
    },
  };
}

describe('a supplier machine answering a reserved lease\u2019s GPU check', () => {
  it('prepares the node once, pumps its ready/commit/opening to the hub and takes the verifier\u2019s messages; a pass is kept for the Lend view', async () => {
    const sent: NodeAttestationMessage[] = [];
    let starts = 0;
    const attestations = new LeaseAttestations({
      start: async (lease) => {
        starts += 1;
        const channel = new InProcessAttestationChannel({ sha256, nowMs: () => performance.now(), pause: () => new Promise((r) => setImmediate(r)) }, lease.gpuUuids);
        return { channel, prover: 'in-process', dispose: async () => channel.dispose() };
      },
      send: (_leaseId, message) => sent.push(message),
      changed: () => undefined,
      notice: () => undefined,
      nowMs: () => 1,
      logError: () => undefined,
    });
    const lease = reserved('lease-ok');
    attestations.prepare(lease);
    attestations.prepare(lease); // re-sent (extended, reconnected): one node only
    const params = attestationParams(claim, 'cpu');
    const verifier = new AttestationVerifier({ sha256, randomU32: () => randomInt(0, 2 ** 32 - 1), params, leased: { gpuUuids: lease.gpuUuids, gpuModel: claim.gpuModel, vramMiB: claim.vramMiB } });
    const outcome = await attestNode(hubChannel(sent, (m) => attestations.toNode(lease.leaseId, m)), verifier, () => performance.now(), params.deadlineMs);
    expect(outcome).toMatchObject({ passed: true, simulated: true });
    expect(starts).toBe(1);
    attestations.attested({ leaseId: lease.leaseId, passed: true, reason: null, message: outcome.message, advice: null });
    expect(attestations.outcome(lease.leaseId)).toMatchObject({ state: 'passed', passed: true });
    await attestations.dispose();
  }, 60_000);

  it('a node that cannot start tells the verifier why (the image cannot be pulled), and a failure keeps the advice for the owner', async () => {
    const sent: NodeAttestationMessage[] = [];
    const notices: string[] = [];
    const attestations = new LeaseAttestations({
      start: async () => {
        throw new AttestationChannelError('attestation_failed', 'This machine could not pull the attestation image idlegrid/torch:cpu: no route');
      },
      send: (_leaseId, message) => sent.push(message),
      changed: () => undefined,
      notice: (title, body) => notices.push(`${title}: ${body}`),
      nowMs: () => 1,
      logError: () => undefined,
    });
    attestations.prepare(reserved('lease-bad'));
    await new Promise((r) => setTimeout(r, 20));
    expect(sent).toEqual([{ type: 'error', reason: 'attestation_failed', message: expect.stringContaining('could not pull the attestation image') }]);
    expect(attestations.outcome('lease-bad')).toMatchObject({ state: 'failed', reason: 'attestation_failed' });
    attestations.attested({ leaseId: 'lease-bad', passed: false, reason: 'attestation_failed', message: 'The node reported: no image', advice: 'The GPU check could not run on your machine.' });
    expect(attestations.outcome('lease-bad')).toMatchObject({ state: 'failed', advice: 'The GPU check could not run on your machine.' });
    expect(notices[0]).toMatch(/GPU check failed: Lease lease-bad: The node reported: no image The GPU check could not run/);
  });
});
