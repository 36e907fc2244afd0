import { HubError } from '../../common/hub/hub-errors';
import type { WorkerMessage } from '../../common/hub/worker-messages';
import { meshAnnouncementText, signedMeshAnnouncementSchema } from '../../common/mesh';
import type { MeshMatrix } from '../../common/mesh';
import { verifyWalletSignature } from '../auth/ed25519-signature';
import type { MeshSignals } from './mesh-signals';

type MeshMessage = Extract<WorkerMessage, { type: `mesh.${string}` }>;

/** A lease as the mesh needs it: who is placed at which rank. */
export interface MeshLeasePlacement {
  nodes: Array<{ rank: number; workerId: string; supplier: string }>;
}

export interface LeaseMeshesDeps {
  signals: MeshSignals;
  /** The lease's placement while it is active (reserved, paid, running…); null once ended or unknown. */
  placementOf: (leaseId: string) => MeshLeasePlacement | null;
  /** The renter's subscriptions get the matrix at each report. */
  toRenter: (leaseId: string, mesh: MeshMatrix) => void;
}

/** What a `mesh.*` request answers (the worker gateway sends it as `mesh.reply`). */
export type MeshAnswer = { endpoint?: { host: string; port: number }; view?: { announcements: unknown[]; endpoints: Record<number, { host: string; port: number }> } };

/**
 * The worker socket's side of every lease's mesh: checks that a machine speaks only for
 * its own node of an active lease (the rank comes from the placement, never from the
 * message), refuses a key its supplier's wallet did not sign before any peer sees it,
 * and hands the rest to MeshSignals. A lease's mesh opens at its first request — while it
 * is reserved, so the renter sees the matrix before paying — and closes when it ends.
 */
export class LeaseMeshes {
  constructor(private readonly d: LeaseMeshesDeps) {}

  async handle(workerId: string, owner: string, message: MeshMessage): Promise<MeshAnswer> {
    const placement = this.d.placementOf(message.leaseId);
    const node = placement?.nodes.find((n) => n.workerId === workerId);
    if (!placement || !node) throw new HubError('not_found', `This machine has no active lease ${message.leaseId}; it has no mesh to join.`, 'lease_not_found');
    const leaseId = message.leaseId;
    this.d.signals.openLease(leaseId, placement.nodes.length);
    switch (message.type) {
      case 'mesh.publish': {
        const parsed = signedMeshAnnouncementSchema.safeParse(message.signed);
        if (!parsed.success) throw new HubError('invalid_message', `Not a signed mesh key: ${parsed.error.issues[0]?.message ?? 'malformed'}.`, 'mesh_announcement_malformed');
        const { announcement, signature } = parsed.data;
        if (announcement.leaseId !== leaseId || announcement.rank !== node.rank || announcement.workerId !== workerId || announcement.supplier !== owner) {
          throw new HubError('forbidden', `A machine announces only its own node: lease ${leaseId}, rank ${node.rank}, worker ${workerId}, signed by its own wallet.`, 'mesh_announcement_not_yours');
        }
        if (!verifyWalletSignature(owner, new TextEncoder().encode(meshAnnouncementText(announcement)), signature)) {
          throw new HubError('bad_signature', 'The mesh key is not signed by this machine’s wallet.', 'mesh_signature_invalid');
        }
        this.d.signals.publish(leaseId, parsed.data);
        return {};
      }
      case 'mesh.observe':
        return { endpoint: await this.d.signals.observe(leaseId, node.rank) };
      case 'mesh.view':
        return { view: this.d.signals.view(leaseId) };
      case 'mesh.relay': {
        if (message.peerRank === node.rank || !placement.nodes.some((n) => n.rank === message.peerRank)) {
          throw new HubError('invalid_message', `Lease ${leaseId} has no other node of rank ${message.peerRank}.`, 'mesh_peer_unknown');
        }
        return { endpoint: await this.d.signals.relayFor(leaseId, node.rank, message.peerRank) };
      }
      case 'mesh.report': {
        const { report } = message;
        if (report.fromRank !== node.rank || report.toRank === node.rank || !placement.nodes.some((n) => n.rank === report.toRank)) {
          throw new HubError('forbidden', `A machine reports only pairs of its own node (rank ${node.rank}) with a node of the lease.`, 'mesh_report_not_yours');
        }
        this.d.signals.report(leaseId, report);
        this.d.toRenter(leaseId, this.d.signals.matrix(leaseId));
        return {};
      }
    }
  }

  /** The matrix so far (for a renter that subscribes late); null when the lease has no mesh. */
  matrixOf(leaseId: string): MeshMatrix | null {
    return this.d.signals.has(leaseId) ? this.d.signals.matrix(leaseId) : null;
  }

  /** The lease ended: its relays close, its keys and endpoints are forgotten. */
  leaseEnded(leaseId: string): void {
    this.d.signals.closeLease(leaseId);
  }

  dispose(): void {
    this.d.signals.dispose();
  }
}
