import { getBase58Decoder } from '@solana/kit';
import { meshAnnouncementText } from '../../../common/mesh';
import type { MeshAnnouncement, MeshEndpoint, MeshPairReport, SignedMeshAnnouncement } from '../../../common/mesh';
import { admitMeshPeers } from './mesh-peer-admission';
import type { AdmittedPeer, MeshPeerAdmission, MeshPlacementNode } from './mesh-peer-admission';
import { MEASURE_PORT } from './mesh-node';
import type { MeshNode } from './mesh-node';

/** A node's view of the hub's mesh signalling for one lease (over the worker socket in the app; in-process in tests). */
export interface MeshSignalling {
  publish(signed: SignedMeshAnnouncement): Promise<void>;
  /** Opens the hub's observation port for this node; the hub records the endpoint the probe came from. */
  observe(rank: number): Promise<MeshEndpoint>;
  observed(rank: number): Promise<MeshEndpoint | null>;
  /** Every announcement the hub holds for the lease (unchecked: the node checks them) and the endpoints it observed. */
  view(): Promise<{ announcements: unknown[]; endpoints: Record<number, MeshEndpoint> }>;
  relayFor(rank: number, peerRank: number): Promise<MeshEndpoint>;
  report(report: MeshPairReport): Promise<void>;
}

export interface MeshJoinOptions {
  leaseId: string;
  rank: number;
  workerId: string;
  /** The supplier's wallet address and a signer for it (Wallet Standard signMessage: ed25519 over the bytes). */
  supplier: string;
  signMessage: (message: Uint8Array) => Promise<Uint8Array>;
  placement: MeshPlacementNode[];
  /** How long a pair may try the direct path before it goes through the hub's relay. */
  directTimeoutMs?: number;
  relayTimeoutMs?: number;
  /** How long to wait for every peer's announcement and endpoint. */
  peersTimeoutMs?: number;
  nowMs?: () => number;
  /** Measure latency and bandwidth to the higher-ranked peers once up, and report them (default true). */
  measure?: boolean;
  /** Steps as they happen, for diagnostics and the bench. */
  trace?: (step: string) => void;
}

export interface MeshJoinResult {
  admission: MeshPeerAdmission;
  pairs: Array<{ peer: AdmittedPeer; path: 'direct' | 'relayed' | 'down'; upAfterMs: number | null }>;
  /** When every pair of this node was up or given up on (before measuring). */
  meshUpAtMs: number;
}

const POLL_MS = 50;

/**
 * One node joining its lease's mesh: sign and publish its WireGuard key, let the hub
 * observe its public endpoint (the probe leaves from wireguard-go's own socket), admit
 * the peers whose signatures and placement agree, point each at its observed endpoint
 * with a 1 s keepalive (both ends do so at once, which opens cone NATs), and send a
 * pair that has no handshake within `directTimeoutMs` through the hub's relay.
 */
export async function joinMesh(node: MeshNode, signalling: MeshSignalling, options: MeshJoinOptions): Promise<MeshJoinResult> {
  const now = options.nowMs ?? Date.now;
  const trace = options.trace ?? (() => undefined);
  const announcement: MeshAnnouncement = {
    leaseId: options.leaseId,
    rank: options.rank,
    workerId: options.workerId,
    supplier: options.supplier,
    wgPublicKey: node.keys.publicKey,
    issuedAtMs: now(),
  };
  const signature = getBase58Decoder().decode(await options.signMessage(new TextEncoder().encode(meshAnnouncementText(announcement))));
  await signalling.publish({ announcement, signature });
  trace('published');

  const target = await signalling.observe(options.rank);
  const probeKey = await node.probe(target);
  try {
    const seen = await pollUntil(() => signalling.observed(options.rank), 5_000);
    if (!seen) throw new Error('the hub did not see this node’s WireGuard probe (is UDP to the hub blocked?)');
  } finally {
    await node.endProbe(probeKey);
  }

  trace('observed');
  const others = options.placement.filter((p) => p.rank !== options.rank);
  const ready = await pollUntil(async () => {
    const view = await signalling.view();
    const admission = admitMeshPeers(options.leaseId, options.rank, options.placement, view.announcements);
    const complete = others.every((p) => admission.admitted.some((a) => a.rank === p.rank) && view.endpoints[p.rank]);
    return complete ? { admission, endpoints: view.endpoints } : null;
  }, options.peersTimeoutMs ?? 15_000);
  // Without every peer, say which were refused: the caller reports it; no one is added on a partial view.
  if (!ready) {
    const view = await signalling.view();
    return { admission: admitMeshPeers(options.leaseId, options.rank, options.placement, view.announcements), pairs: [], meshUpAtMs: now() };
  }

  trace('peers admitted');
  const startedAtMs = now();
  for (const peer of ready.admission.admitted) {
    await node.setPeer({ ...peer, endpoint: ready.endpoints[peer.rank]! });
  }
  const up = new Map<number, number>();
  const waitUp = async (peers: AdmittedPeer[], timeoutMs: number) => {
    const deadline = now() + timeoutMs;
    while (now() < deadline && peers.some((p) => !up.has(p.rank))) {
      const handshakes = await node.handshakes();
      for (const peer of peers) {
        if (!up.has(peer.rank) && (handshakes.get(peer.wgPublicKey) ?? 0) > 0) up.set(peer.rank, now() - startedAtMs);
      }
      await sleep(POLL_MS);
    }
  };
  trace('peers set');
  await waitUp(ready.admission.admitted, options.directTimeoutMs ?? 2_500);
  trace('direct wait over');
  const relayed = ready.admission.admitted.filter((p) => !up.has(p.rank));
  for (const peer of relayed) {
    const relay = await signalling.relayFor(options.rank, peer.rank);
    // Re-adding the peer starts a fresh handshake at once, instead of at WireGuard's
    // next five-second retry; the relay holds it until the other side's arrives.
    await node.removePeer(peer.wgPublicKey);
    await node.setPeer({ ...peer, endpoint: relay });
  }
  trace('relays set');
  if (relayed.length > 0) await waitUp(relayed, options.relayTimeoutMs ?? 5_000);
  trace('mesh up');
  const meshUpAtMs = now();
  const pairs: MeshJoinResult['pairs'] = ready.admission.admitted.map((peer) => ({
    peer,
    path: !up.has(peer.rank) ? 'down' : relayed.includes(peer) ? 'relayed' : 'direct',
    upAfterMs: up.get(peer.rank) ?? null,
  }));
  // Each pair is measured once, by its lower rank, and reported to the renter through the hub.
  if (options.measure ?? true) {
    for (const pair of pairs.filter((p) => p.peer.rank > options.rank)) {
      const measured = pair.path === 'down' ? { rttMs: null, bitsPerSecond: null } : await measurePair(node, pair.peer.meshAddress);
      await signalling.report({ fromRank: options.rank, toRank: pair.peer.rank, path: pair.path, upAfterMs: pair.upAfterMs, ...measured });
    }
    trace('measured');
  }
  return { admission: ready.admission, pairs, meshUpAtMs };
}

/** Median RTT over the mesh and TCP throughput into the peer's sink (32 MiB). */
async function measurePair(node: MeshNode, address: string): Promise<{ rttMs: number | null; bitsPerSecond: number | null }> {
  const rttMs = await node.rttMs(address);
  const bitsPerSecond = await node.sendTo(address, MEASURE_PORT, 32 * 1024 * 1024);
  return { rttMs, bitsPerSecond };
}

async function pollUntil<T>(check: () => Promise<T | null | undefined | false>, timeoutMs: number): Promise<T | null> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() >= deadline) return null;
    await sleep(POLL_MS);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
