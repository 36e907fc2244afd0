import { meshAddressOf, meshAnnouncementText, signedMeshAnnouncementSchema } from '../../../common/mesh';
import type { SignedMeshAnnouncement } from '../../../common/mesh';
import { verifyWalletSignature } from '../../../solana/wallet-signature';

/** One node of a lease as its placement names it: the rank, the worker and the supplier's wallet that signs its mesh key. */
export interface MeshPlacementNode {
  rank: number;
  workerId: string;
  supplier: string;
}

export interface AdmittedPeer {
  rank: number;
  wgPublicKey: string;
  meshAddress: string;
}

export type PeerRefusalReason = 'malformed' | 'other_lease' | 'not_in_placement' | 'placement_mismatch' | 'bad_signature' | 'self' | 'conflicting_keys';

export interface MeshPeerAdmission {
  admitted: AdmittedPeer[];
  refused: Array<{ rank: number | null; reason: PeerRefusalReason }>;
}

/**
 * Decides which announcements the hub relayed become WireGuard peers of this node. A
 * peer is admitted only when its announcement is for this lease, names a rank of the
 * placement with that rank's worker and supplier, and carries that supplier's wallet
 * signature over the exact text. Two valid announcements of one rank with different
 * keys admit neither (the supplier's wallet signed both: something is wrong there).
 * So a hub can drop or delay peers, but never add one or swap a key.
 */
export function admitMeshPeers(leaseId: string, selfRank: number, placement: MeshPlacementNode[], announcements: unknown[]): MeshPeerAdmission {
  const byRank = new Map(placement.map((node) => [node.rank, node]));
  const refused: MeshPeerAdmission['refused'] = [];
  const keys = new Map<number, Set<string>>();
  for (const raw of announcements) {
    const parsed = signedMeshAnnouncementSchema.safeParse(raw);
    if (!parsed.success) {
      refused.push({ rank: null, reason: 'malformed' });
      continue;
    }
    const { announcement: a, signature } = parsed.data as SignedMeshAnnouncement;
    const expected = byRank.get(a.rank);
    const reason: PeerRefusalReason | null =
      a.leaseId !== leaseId
        ? 'other_lease'
        : !expected
          ? 'not_in_placement'
          : expected.workerId !== a.workerId || expected.supplier !== a.supplier
            ? 'placement_mismatch'
            : !verifyWalletSignature(a.supplier, new TextEncoder().encode(meshAnnouncementText(a)), signature)
              ? 'bad_signature'
              : a.rank === selfRank
                ? 'self'
                : null;
    if (reason) {
      refused.push({ rank: a.rank, reason });
      continue;
    }
    const set = keys.get(a.rank) ?? new Set<string>();
    set.add(a.wgPublicKey);
    keys.set(a.rank, set);
  }
  const admitted: AdmittedPeer[] = [];
  for (const [rank, set] of [...keys.entries()].sort(([a], [b]) => a - b)) {
    if (set.size !== 1) {
      refused.push({ rank, reason: 'conflicting_keys' });
      continue;
    }
    admitted.push({ rank, wgPublicKey: [...set][0]!, meshAddress: meshAddressOf(leaseId, rank) });
  }
  return { admitted, refused };
}
