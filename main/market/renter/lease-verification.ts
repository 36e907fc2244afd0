import { createHash, randomInt } from 'node:crypto';
import type { AttestationOutcome } from '../../../common/attestation/attestation-outcome';
import { attestationParams } from '../../../common/attestation/attestation-params';
import type { AttestationDevice } from '../../../common/attestation/attestation-params';
import { attestNode } from '../../../common/attestation/attestation-session';
import { AttestationInbox } from '../../../common/attestation/attestation-inbox';
import type { AttestationChannel, AttestationTimeouts } from '../../../common/attestation/attestation-session';
import { AttestationVerifier } from '../../../common/attestation/attestation-verifier';
import { MAX_OPENED_ROWS } from '../../../common/attestation/attestation-wire';
import type { NodeAttestationMessage } from '../../../common/attestation/attestation-wire';
import type { Event } from '../../../common/event';
import type { LeaseView, RenterPlacementNode } from '../../../common/hub/lease-types';
import type { RenterMessage } from '../../../common/hub/renter-messages';
import type { Disposable } from '../../../common/lifecycle';
import type { RentLeaseEvent } from '../../../common/market/rent-types';

export interface LeaseVerificationDeps {
  /** The renter socket (LeaseFollower.sendAttestation): false when it is not connected. */
  send: (message: Extract<RenterMessage, { type: 'attest.send' | 'attest.outcome' }>) => boolean;
  /** Every live event of the followed leases. */
  events: Event<RentLeaseEvent>;
  /** The lease as the hub shows it now (for a node's `ready` that came before we listened). */
  refresh: (leaseId: string) => Promise<LeaseView>;
  nowMs: () => number;
  timeouts?: AttestationTimeouts;
}

/** One node's outcome, with the words the renter reads. */
export interface NodeVerdict {
  rank: number;
  supplier: string;
  outcome: AttestationOutcome;
}

const sha256 = (data: Uint8Array): Uint8Array => new Uint8Array(createHash('sha256').update(data).digest());
const randomU32 = (): number => randomInt(0, 2 ** 32 - 1);

/**
 * The renter's app as the verifier of a reserved lease (issue 13's verify, then pay): for
 * every node not yet passed, in parallel, it takes the node's `ready` (the GPUs its
 * container sees, by the lease's opaque ids), sends a fresh challenge through the hub,
 * times the commitment against the deadline of the claimed model, picks the rows to open
 * only then, checks them (Merkle paths and Freivalds), and reports the outcome to the hub,
 * which records it and tells the supplier. It never throws: a node that cannot be reached
 * fails with a reason.
 */
export async function verifyLease(d: LeaseVerificationDeps, view: LeaseView, device: AttestationDevice): Promise<NodeVerdict[]> {
  const todo = view.placement.nodes.filter((n) => view.attestation?.find((a) => a.rank === n.rank)?.state !== 'passed');
  const channels = todo.map((node) => new RelayChannel(d, view.leaseId, node.rank));
  try {
    // A ready that came before these channels listened is in the hub's view of the lease.
    const fresh = await d.refresh(view.leaseId).catch(() => view);
    for (const channel of channels) {
      const ready = fresh.attestation?.find((a) => a.rank === channel.rank)?.ready;
      if (ready) channel.offerReady(ready as NodeAttestationMessage);
    }
    return await Promise.all(
      todo.map(async (node, i): Promise<NodeVerdict> => {
        const outcome = await verifyNode(d, channels[i]!, node, device);
        d.send({ type: 'attest.outcome', leaseId: view.leaseId, rank: node.rank, passed: outcome.passed, reason: outcome.reason, message: outcome.message.slice(0, 1024) });
        return { rank: node.rank, supplier: node.supplier, outcome };
      }),
    );
  } finally {
    for (const channel of channels) channel.dispose();
  }
}

function verifyNode(d: LeaseVerificationDeps, channel: RelayChannel, node: RenterPlacementNode, device: AttestationDevice): Promise<AttestationOutcome> {
  const claim = { gpuModel: node.gpuModel, vramMiB: node.vramMiB, gpuCount: node.gpuIds.length };
  const params = attestationParams(claim, device);
  const verifier = new AttestationVerifier({ sha256, randomU32, params, leased: { gpuUuids: node.gpuIds, gpuModel: node.gpuModel, vramMiB: node.vramMiB } });
  return attestNode(channel, verifier, d.nowMs, params.deadlineMs, d.timeouts);
}

/** The plain words a renter reads when nodes failed: which machine, and why. */
export function failureText(failed: readonly NodeVerdict[]): string {
  const parts = failed.map((v) => `machine ${v.rank} (supplier ${v.supplier.slice(0, 8)}…) failed its GPU check: ${v.outcome.message}`);
  return `Nothing was paid. ${parts.join(' ')} The lease was let go, so the machines that passed are free again; ask for a new quote to rent other GPUs.`;
}

/** One node's dialogue through the hub's relay: the node's messages arrive as lease events. */
class RelayChannel implements AttestationChannel, Disposable {
  private readonly inbox = new AttestationInbox();
  private sawReady = false;
  /** Rows asked for by the last `open`, and the opened rows gathered so far (a node may send them one a message). */
  private asked: number | null = null;
  private gathered: NodeAttestationMessage[] = [];
  private readonly listener: Disposable;

  constructor(
    private readonly d: LeaseVerificationDeps,
    private readonly leaseId: string,
    readonly rank: number,
  ) {
    this.listener = d.events(({ event }) => {
      if (event.type === 'lease.attest' && event.leaseId === leaseId && event.rank === rank) this.deliver(event.message);
    });
  }

  offerReady(ready: NodeAttestationMessage): void {
    if (!this.sawReady) this.deliver(ready, true);
  }

  send(message: object): void {
    if ((message as { type?: string }).type === 'open') {
      this.asked = (message as { rows: number[] }).rows.length;
      this.gathered = [];
    }
    const sent = this.d.send({ type: 'attest.send', leaseId: this.leaseId, rank: this.rank, message: message as Extract<RenterMessage, { type: 'attest.send' }>['message'] });
    if (!sent) this.deliver({ type: 'error', reason: 'attestation_no_answer', message: 'The connection to the hub is down; the GPU check could not reach the node.' });
  }

  next(timeoutMs: number): Promise<NodeAttestationMessage> {
    return this.inbox.next(timeoutMs);
  }

  dispose(): void {
    this.listener.dispose();
    this.inbox.close();
  }

  private deliver(message: NodeAttestationMessage, first = false): void {
    if (message.type === 'opening' && this.asked !== null) {
      // Join an opening sent in parts; bounded by the rows asked for (the verifier checks which).
      this.gathered.push(message);
      const rows = this.gathered.flatMap((m) => (m.type === 'opening' ? m.rows : []));
      if (rows.length < this.asked) return;
      this.asked = null;
      this.gathered = [];
      message = { type: 'opening', rows: rows.slice(0, MAX_OPENED_ROWS) };
    }
    if (message.type === 'ready') {
      // Only the first ready counts (the hub's view and the live event may both carry it).
      if (this.sawReady) return;
      this.sawReady = true;
    }
    this.inbox.deliver(message, first);
  }
}
