import { afterEach, describe, expect, it } from 'vitest';
import { getBase58Decoder } from '@solana/kit';
import { HubError } from '../../common/hub/hub-errors';
import { meshAnnouncementText, parseMeshAnnouncementText } from '../../common/mesh';
import type { MeshAnnouncement, MeshMatrix } from '../../common/mesh';
import { createTestWallet } from '../testing/test-wallet';
import type { TestWallet } from '../testing/test-wallet';
import { LeaseMeshes } from './lease-meshes';
import type { MeshLeasePlacement } from './lease-meshes';
import { MeshSignals } from './mesh-signals';

const WG_KEY = 'x'.repeat(42) + 'A=';

async function signed(wallet: TestWallet, a: Partial<MeshAnnouncement> & Pick<MeshAnnouncement, 'rank' | 'workerId'>) {
  const announcement: MeshAnnouncement = { leaseId: 'lease-1', supplier: wallet.address, wgPublicKey: WG_KEY, issuedAtMs: 1_700_000_000_000, ...a };
  const signature = getBase58Decoder().decode(await wallet.signMessage(new TextEncoder().encode(meshAnnouncementText(announcement))));
  return { announcement, signature };
}

async function refusedWith(work: Promise<unknown>): Promise<string> {
  try {
    await work;
  } catch (error) {
    if (error instanceof HubError) return `${error.code}:${error.reason}`;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('the hub side of a lease mesh over the worker socket', () => {
  const supplierA = createTestWallet();
  const supplierB = createTestWallet();
  const placements = new Map<string, MeshLeasePlacement>([
    ['lease-1', { nodes: [{ rank: 0, workerId: 'wkr-a', supplier: supplierA.address }, { rank: 1, workerId: 'wkr-b', supplier: supplierB.address }] }],
  ]);
  const sent: Array<{ leaseId: string; mesh: MeshMatrix }> = [];
  const meshes = new LeaseMeshes({
    signals: new MeshSignals({ udpHost: '127.0.0.1', advertisedHost: '203.0.113.7' }),
    placementOf: (leaseId) => placements.get(leaseId) ?? null,
    toRenter: (leaseId, mesh) => sent.push({ leaseId, mesh }),
  });
  afterEach(() => meshes.leaseEnded('lease-1'));

  it('carries a node’s own signed key, tells it the advertised address, and sends the matrix to the renter at each report', async () => {
    await meshes.handle('wkr-a', supplierA.address, { type: 'mesh.publish', ref: 'r1', leaseId: 'lease-1', signed: await signed(supplierA, { rank: 0, workerId: 'wkr-a' }) });
    const view = await meshes.handle('wkr-b', supplierB.address, { type: 'mesh.view', ref: 'r2', leaseId: 'lease-1' });
    expect(view.view!.announcements).toHaveLength(1);
    const observe = await meshes.handle('wkr-a', supplierA.address, { type: 'mesh.observe', ref: 'r3', leaseId: 'lease-1' });
    expect(observe.endpoint!.host).toBe('203.0.113.7');
    const relay = await meshes.handle('wkr-b', supplierB.address, { type: 'mesh.relay', ref: 'r4', leaseId: 'lease-1', peerRank: 0 });
    expect(relay.endpoint!.port).toBeGreaterThan(0);
    const report = { fromRank: 0, toRank: 1, path: 'relayed' as const, rttMs: 3, bitsPerSecond: 5e8, upAfterMs: 2600 };
    await meshes.handle('wkr-a', supplierA.address, { type: 'mesh.report', ref: 'r5', leaseId: 'lease-1', report });
    expect(sent.at(-1)).toEqual({ leaseId: 'lease-1', mesh: { leaseId: 'lease-1', state: 'ready', pairs: [report] } });
    expect(meshes.matrixOf('lease-1')!.state).toBe('ready');
    meshes.leaseEnded('lease-1');
    expect(meshes.matrixOf('lease-1')).toBeNull();
  });

  it('refuses a machine outside the placement, a key for another rank, worker or wallet, a forged signature, a relay to nowhere and a report for another pair', async () => {
    const mallory = createTestWallet();
    // Not placed on the lease: no view of its keys, no relay, no observation port.
    expect(await refusedWith(meshes.handle('wkr-m', mallory.address, { type: 'mesh.view', ref: 'x', leaseId: 'lease-1' }))).toBe('not_found:lease_not_found');
    expect(await refusedWith(meshes.handle('wkr-a', supplierA.address, { type: 'mesh.view', ref: 'x', leaseId: 'lease-ended' }))).toBe('not_found:lease_not_found');
    // Node A tries to speak for B's rank (to put its own key where B's belongs).
    expect(await refusedWith(meshes.handle('wkr-a', supplierA.address, { type: 'mesh.publish', ref: 'x', leaseId: 'lease-1', signed: await signed(supplierA, { rank: 1, workerId: 'wkr-b' }) }))).toBe(
      'forbidden:mesh_announcement_not_yours',
    );
    // Its own rank, signed by another wallet than the one its session is for.
    expect(await refusedWith(meshes.handle('wkr-a', supplierA.address, { type: 'mesh.publish', ref: 'x', leaseId: 'lease-1', signed: await signed(mallory, { rank: 0, workerId: 'wkr-a' }) }))).toBe(
      'forbidden:mesh_announcement_not_yours',
    );
    // Names the right wallet but the signature is someone else's.
    const forged = await signed(mallory, { rank: 0, workerId: 'wkr-a', supplier: supplierA.address });
    expect(await refusedWith(meshes.handle('wkr-a', supplierA.address, { type: 'mesh.publish', ref: 'x', leaseId: 'lease-1', signed: forged }))).toBe('bad_signature:mesh_signature_invalid');
    expect(await refusedWith(meshes.handle('wkr-a', supplierA.address, { type: 'mesh.publish', ref: 'x', leaseId: 'lease-1', signed: { announcement: {} } }))).toBe(
      'invalid_message:mesh_announcement_malformed',
    );
    expect((await meshes.handle('wkr-b', supplierB.address, { type: 'mesh.view', ref: 'x', leaseId: 'lease-1' })).view!.announcements).toHaveLength(0);
    expect(await refusedWith(meshes.handle('wkr-a', supplierA.address, { type: 'mesh.relay', ref: 'x', leaseId: 'lease-1', peerRank: 0 }))).toBe('invalid_message:mesh_peer_unknown');
    expect(await refusedWith(meshes.handle('wkr-a', supplierA.address, { type: 'mesh.relay', ref: 'x', leaseId: 'lease-1', peerRank: 7 }))).toBe('invalid_message:mesh_peer_unknown');
    const report = { fromRank: 1, toRank: 0, path: 'direct' as const, rttMs: 1, bitsPerSecond: 1, upAfterMs: 1 };
    expect(await refusedWith(meshes.handle('wkr-a', supplierA.address, { type: 'mesh.report', ref: 'x', leaseId: 'lease-1', report }))).toBe('forbidden:mesh_report_not_yours');
  });
});

describe('the mesh key text a wallet signs without asking', () => {
  it('parses back only the exact text meshAnnouncementText makes', () => {
    const a: MeshAnnouncement = { leaseId: 'lease-1', rank: 2, workerId: 'wkr-a', supplier: createTestWallet().address, wgPublicKey: WG_KEY, issuedAtMs: 1_700_000_000_123 };
    const text = meshAnnouncementText(a);
    expect(parseMeshAnnouncementText(text)).toEqual(a);
    expect(parseMeshAnnouncementText(`${text}\nAmount: 1000`)).toBeNull();
    expect(parseMeshAnnouncementText(text.replace('Idlegrid mesh key', 'Idlegrid sign-in'))).toBeNull();
  });
});
