import { supplierAdvice } from '../../common/attestation/attestation-outcome';
import type { AttestationReason } from '../../common/attestation/attestation-outcome';
import type { AttestationChallenge, AttestationOpen, NodeAttestationMessage } from '../../common/attestation/attestation-wire';
import { HubError } from '../../common/hub/hub-errors';
import type { NodeAttestationStatus } from '../../common/hub/lease-types';
import type { LeaseNotifier } from './lease-service';
import type { LiveLease } from './live-lease';

export interface LeaseAttestationRelayDeps {
  notifier: LeaseNotifier;
  nowMs: () => number;
  /** Records an outcome (reputation facts when `counted`, evidence always). */
  record: (workerId: string, leaseId: string, passed: boolean, reason: string, counted: boolean) => Promise<void>;
}

/**
 * The hub's part in "verify, then pay" (issue 13): while a lease is reserved, each placed
 * machine prepares its node and runs the attestation container on the leased GPUs; the
 * renter's app is the verifier. The hub relays the dialogue both ways — renaming the GPU
 * UUIDs the container saw to the lease's opaque ids on the way to the renter (renters never
 * see UUIDs), refusing messages out of turn — keeps each node's status in the lease view
 * (the renter sees the lease as "attesting"), and records the verifier's outcome: facts for
 * reputation, evidence, and the supplier told why in plain words.
 *
 * A renter could claim a failure to hurt a supplier, so a failure is counted against the
 * machine only when the hub saw the check happen (it relayed a challenge, or the node's own
 * ready or error); otherwise it is kept as evidence only.
 */
export class LeaseAttestationRelay {
  constructor(private readonly o: LeaseAttestationRelayDeps) {}

  /** A new reservation: every node starts preparing. */
  begin(lease: LiveLease): void {
    const nowMs = this.o.nowMs();
    lease.attestation = lease.placement.nodes.map((n) => ({ rank: n.rank, state: 'preparing', reason: null, message: null, ready: null, updatedAtMs: nowMs }));
    lease.challenged = new Set();
  }

  /** The node of `workerId` sent an attestation message: relayed to the renter. */
  fromWorker(lease: LiveLease, workerId: string, message: NodeAttestationMessage): void {
    const node = lease.placement.nodes.find((n) => n.workerId === workerId);
    if (!node) throw new HubError('not_found', `This machine has no node in lease ${lease.leaseId}.`, 'lease_not_found');
    const status = this.open(lease, node.rank);
    const nowMs = this.o.nowMs();
    let relayed: NodeAttestationMessage = message;
    if (message.type === 'ready') {
      // The renter knows the GPUs by the lease's opaque ids only; a GPU that was not leased keeps no name.
      let stranger = 0;
      relayed = {
        ...message,
        gpus: message.gpus.map((g) => {
          const index = node.gpuUuids.indexOf(g.uuid);
          return { ...g, uuid: index >= 0 ? `${lease.leaseId}.${node.rank}.${index}` : `not-leased-${stranger++}` };
        }),
      };
      if (status.state === 'preparing') status.state = 'ready';
      status.ready = relayed;
    } else if (message.type === 'error') {
      status.message = message.message;
    }
    status.updatedAtMs = nowMs;
    this.o.notifier.toRenter(lease.leaseId, { type: 'lease.attest', leaseId: lease.leaseId, rank: node.rank, message: relayed, atMs: nowMs });
  }

  /** The renter's verifier sent a challenge or the rows to open: relayed to the node. */
  fromRenter(lease: LiveLease, rank: number, message: AttestationChallenge | AttestationOpen): void {
    const node = lease.placement.nodes[rank];
    if (!node) throw new HubError('not_found', `Lease ${lease.leaseId} has no node ${rank}.`, 'node_not_found');
    const status = this.open(lease, rank);
    const challenged = (lease.challenged ??= new Set());
    if (message.type === 'challenge') {
      // One challenge per node: a verifier that could retry could also shop for an easy one.
      if (challenged.has(rank)) throw new HubError('conflict', `Node ${rank} of lease ${lease.leaseId} was already challenged.`, 'attestation_already_challenged');
      challenged.add(rank);
      status.state = 'attesting';
    } else if (!challenged.has(rank)) {
      throw new HubError('out_of_order', `Node ${rank} of lease ${lease.leaseId} has not been challenged; send the challenge first.`, 'attestation_not_challenged');
    }
    status.updatedAtMs = this.o.nowMs();
    this.o.notifier.toWorker(node.workerId, { type: 'lease.attest', leaseId: lease.leaseId, message });
  }

  /** The verifier's outcome for one node: recorded once, the supplier and the renter told. */
  async outcome(lease: LiveLease, rank: number, passed: boolean, reason: AttestationReason | null, message: string): Promise<NodeAttestationStatus> {
    const node = lease.placement.nodes[rank];
    if (!node) throw new HubError('not_found', `Lease ${lease.leaseId} has no node ${rank}.`, 'node_not_found');
    const status = this.open(lease, rank);
    const sawCheck = lease.challenged?.has(rank) ?? false;
    if (passed && !sawCheck) throw new HubError('out_of_order', `Node ${rank} of lease ${lease.leaseId} cannot pass a check the hub did not relay.`, 'attestation_not_challenged');
    if (!passed && reason === null) throw new HubError('invalid_message', 'A failed attestation needs its reason code.', 'attestation_reason_missing');
    const nowMs = this.o.nowMs();
    status.state = passed ? 'passed' : 'failed';
    status.reason = passed ? null : reason;
    status.message = message.slice(0, 1024);
    status.updatedAtMs = nowMs;
    const counted = passed || sawCheck || status.ready !== null;
    await this.o.record(node.workerId, lease.leaseId, passed, passed ? message : `${reason}: ${message}`, counted);
    this.o.notifier.toWorker(node.workerId, { type: 'lease.attested', leaseId: lease.leaseId, passed, reason: status.reason as AttestationReason | null, message: status.message, advice: passed ? null : supplierAdvice(reason ?? 'attestation_failed') });
    this.o.notifier.toRenter(lease.leaseId, { type: 'lease.attested', leaseId: lease.leaseId, rank, passed, reason: status.reason as AttestationReason | null, message: status.message, atMs: nowMs });
    return { ...status };
  }

  /** Every node passed (the renter's app pays only then). */
  allPassed(lease: LiveLease): boolean {
    return (lease.attestation ?? []).length > 0 && lease.attestation!.every((a) => a.state === 'passed');
  }

  private open(lease: LiveLease, rank: number): NodeAttestationStatus {
    if (lease.state !== 'reserved') throw new HubError('out_of_order', `Lease ${lease.leaseId} is ${lease.state}: attestation happens while it is reserved.`, 'lease_not_reserved');
    if (!lease.attestation) this.begin(lease);
    const status = lease.attestation!.find((a) => a.rank === rank)!;
    if (status.state === 'passed' || status.state === 'failed') {
      throw new HubError('conflict', `Node ${rank} of lease ${lease.leaseId} has already ${status.state} its attestation.`, 'attestation_over');
    }
    return status;
  }
}
