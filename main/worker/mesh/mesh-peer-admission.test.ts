import { describe, expect, it } from 'vitest';
import { getBase58Decoder } from '@solana/kit';
import { meshAddressOf, meshAnnouncementText } from '../../../common/mesh';
import type { MeshAnnouncement, SignedMeshAnnouncement } from '../../../common/mesh';
import { createTestWallet } from '../../../hub/testing/test-wallet';
import type { TestWallet } from '../../../hub/testing/test-wallet';
import { createMeshKeyPair } from './mesh-keys';
import { admitMeshPeers } from './mesh-peer-admission';

const base58 = getBase58Decoder();
const supplierA = createTestWallet();
const supplierB = createTestWallet();
const hubWallet = createTestWallet();
const placement = [
  { rank: 0, workerId: 'worker-a', supplier: supplierA.address },
  { rank: 1, workerId: 'worker-b', supplier: supplierB.address },
];

async function signed(wallet: TestWallet, a: Partial<MeshAnnouncement> & { rank: number; workerId: string; supplier: string }): Promise<SignedMeshAnnouncement> {
  const announcement: MeshAnnouncement = { leaseId: 'lease-1', wgPublicKey: createMeshKeyPair().publicKey, issuedAtMs: 1_700_000_000_000, ...a };
  const signature = base58.decode(await wallet.signMessage(new TextEncoder().encode(meshAnnouncementText(announcement))));
  return { announcement, signature };
}

describe('admitting mesh peers: what the hub relays must agree with the supplier signature and the placement', () => {
  it('admits a peer signed by the wallet the placement names, with its mesh address', async () => {
    const b = await signed(supplierB, { rank: 1, workerId: 'worker-b', supplier: supplierB.address });
    const result = admitMeshPeers('lease-1', 0, placement, [b]);
    expect(result.admitted).toEqual([{ rank: 1, wgPublicKey: b.announcement.wgPublicKey, meshAddress: meshAddressOf('lease-1', 1) }]);
    expect(result.refused).toEqual([]);
  });

  it('refuses what a lying hub makes up: its own key for a placed rank, a swapped key, an extra rank, another lease, a replayed self', async () => {
    const real = await signed(supplierB, { rank: 1, workerId: 'worker-b', supplier: supplierB.address });
    // The hub signs with its own wallet but names supplier B: the signature does not match B.
    const forgedAsB = await signed(hubWallet, { rank: 1, workerId: 'worker-b', supplier: supplierB.address });
    // The hub names itself as rank 1's supplier: the placement says otherwise.
    const hubAsSupplier = await signed(hubWallet, { rank: 1, workerId: 'worker-b', supplier: hubWallet.address });
    // B's real signature with the key swapped for the hub's.
    const swapped: SignedMeshAnnouncement = { ...real, announcement: { ...real.announcement, wgPublicKey: createMeshKeyPair().publicKey } };
    // A rank the placement does not have.
    const extra = await signed(hubWallet, { rank: 2, workerId: 'worker-h', supplier: hubWallet.address });
    // B's announcement for another lease, replayed here.
    const otherLease = await signed(supplierB, { leaseId: 'lease-2', rank: 1, workerId: 'worker-b', supplier: supplierB.address });
    const result = admitMeshPeers('lease-1', 0, placement, [forgedAsB, hubAsSupplier, swapped, extra, otherLease, { junk: true }]);
    expect(result.admitted).toEqual([]);
    expect(result.refused.map((r) => r.reason).sort()).toEqual(['bad_signature', 'bad_signature', 'malformed', 'not_in_placement', 'other_lease', 'placement_mismatch'].sort());
  });

  it('with the real announcement next to a forged one, admits only the real key', async () => {
    const real = await signed(supplierB, { rank: 1, workerId: 'worker-b', supplier: supplierB.address });
    const forged = await signed(hubWallet, { rank: 1, workerId: 'worker-b', supplier: supplierB.address });
    const result = admitMeshPeers('lease-1', 0, placement, [forged, real]);
    expect(result.admitted.map((p) => p.wgPublicKey)).toEqual([real.announcement.wgPublicKey]);
  });

  it('admits neither of two keys the same supplier signed for one rank', async () => {
    const one = await signed(supplierB, { rank: 1, workerId: 'worker-b', supplier: supplierB.address });
    const two = await signed(supplierB, { rank: 1, workerId: 'worker-b', supplier: supplierB.address });
    const result = admitMeshPeers('lease-1', 0, placement, [one, two]);
    expect(result.admitted).toEqual([]);
    expect(result.refused).toEqual([{ rank: 1, reason: 'conflicting_keys' }]);
  });

  it('never admits itself', async () => {
    const self = await signed(supplierA, { rank: 0, workerId: 'worker-a', supplier: supplierA.address });
    expect(admitMeshPeers('lease-1', 0, placement, [self]).refused).toEqual([{ rank: 0, reason: 'self' }]);
  });
});
