import { signedMeshAnnouncementSchema } from '../../common/mesh';
import type { MeshEndpoint, MeshMatrix, MeshPairReport, SignedMeshAnnouncement } from '../../common/mesh';
import { UdpEndpointObserver } from './udp-endpoint-observer';
import { UdpRelay } from './udp-relay';
import type { RelayLimits, RelayPair } from './udp-relay';

export interface MeshSignalsOptions {
  /** The hub's public address for its UDP observer and relay (nodes send WireGuard packets here). */
  udpHost: string;
  /** The address nodes send to when it differs from where the sockets bind (a hub bound to 0.0.0.0 behind a public address). */
  advertisedHost?: string;
  observeTimeoutMs?: number;
  /** The relay's bandwidth limits (per pair direction, per source address). */
  relayLimits?: Partial<RelayLimits>;
}

interface LeaseMesh {
  announcements: Map<number, SignedMeshAnnouncement>;
  endpoints: Map<number, MeshEndpoint>;
  relays: Map<string, RelayPair>;
  reports: Map<string, MeshPairReport>;
  worldSize: number;
}

/**
 * The hub's part of every lease's mesh: it carries each node's signed announcement to
 * the others, observes each node's public UDP endpoint, opens a relay for a pair that
 * found no direct path, and keeps the pairs' reports (direct or relayed, latency,
 * bandwidth) for the renter. It cannot add a peer or change a key: nodes check every
 * announcement against the supplier's signature and the placement.
 */
export class MeshSignals {
  private readonly leases = new Map<string, LeaseMesh>();
  private readonly observer: UdpEndpointObserver;
  private readonly relay: UdpRelay;

  constructor(private readonly options: MeshSignalsOptions) {
    this.observer = new UdpEndpointObserver(options.udpHost, options.advertisedHost);
    this.relay = new UdpRelay(options.udpHost, options.advertisedHost, options.relayLimits);
  }

  openLease(leaseId: string, worldSize: number): void {
    if (!this.leases.has(leaseId)) this.leases.set(leaseId, { announcements: new Map(), endpoints: new Map(), relays: new Map(), reports: new Map(), worldSize });
  }

  publish(leaseId: string, signed: unknown): void {
    const lease = this.lease(leaseId);
    const parsed = signedMeshAnnouncementSchema.parse(signed);
    if (parsed.announcement.leaseId !== leaseId) throw new Error('announcement for another lease');
    lease.announcements.set(parsed.announcement.rank, parsed);
  }

  /** Opens an observation port for `rank`; the endpoint lands in the lease when the node's probe arrives. */
  async observe(leaseId: string, rank: number): Promise<MeshEndpoint> {
    const lease = this.lease(leaseId);
    const observation = await this.observer.observe(this.options.observeTimeoutMs ?? 10_000);
    void observation.result.then((endpoint) => {
      if (endpoint) lease.endpoints.set(rank, endpoint);
    });
    return observation.target;
  }

  has(leaseId: string): boolean {
    return this.leases.has(leaseId);
  }

  endpointOf(leaseId: string, rank: number): MeshEndpoint | null {
    return this.lease(leaseId).endpoints.get(rank) ?? null;
  }

  view(leaseId: string): { announcements: SignedMeshAnnouncement[]; endpoints: Record<number, MeshEndpoint> } {
    const lease = this.lease(leaseId);
    return { announcements: [...lease.announcements.values()], endpoints: Object.fromEntries(lease.endpoints) };
  }

  /** Where `rank` sends to reach `peerRank` through the relay; one relay per pair, opened by whichever asks first. */
  async relayFor(leaseId: string, rank: number, peerRank: number): Promise<MeshEndpoint> {
    const lease = this.lease(leaseId);
    const [low, high] = rank < peerRank ? [rank, peerRank] : [peerRank, rank];
    const key = `${low}-${high}`;
    let pair = lease.relays.get(key);
    if (!pair) {
      // Each side only from the address the hub observed for it (null: not observed yet, the first packet's).
      pair = await this.relay.openPair([lease.endpoints.get(low)?.host ?? null, lease.endpoints.get(high)?.host ?? null]);
      // Another request may have opened it while this one waited for its ports.
      const raced = lease.relays.get(key);
      if (raced) {
        pair.close();
        pair = raced;
      } else {
        lease.relays.set(key, pair);
      }
    }
    return this.relay.endpointOf(rank === low ? pair.portForA : pair.portForB);
  }

  report(leaseId: string, report: MeshPairReport): void {
    const lease = this.lease(leaseId);
    lease.reports.set(`${report.fromRank}-${report.toRank}`, report);
  }

  /** What the renter sees: every pair measured by its lower rank (or either), `measuring` until each pair has one. */
  matrix(leaseId: string): MeshMatrix {
    const lease = this.lease(leaseId);
    const pairs: MeshPairReport[] = [];
    for (let a = 0; a < lease.worldSize; a += 1) {
      for (let b = a + 1; b < lease.worldSize; b += 1) {
        const r = lease.reports.get(`${a}-${b}`) ?? lease.reports.get(`${b}-${a}`);
        if (r) pairs.push(r);
      }
    }
    const expected = (lease.worldSize * (lease.worldSize - 1)) / 2;
    const complete = pairs.length === expected && pairs.every((p) => p.path === 'down' || (p.rttMs !== null && p.bitsPerSecond !== null));
    return { leaseId, state: complete ? 'ready' : 'measuring', pairs };
  }

  relayedPackets(leaseId: string): number {
    let total = 0;
    for (const pair of this.lease(leaseId).relays.values()) total += pair.forwarded();
    return total;
  }

  closeLease(leaseId: string): void {
    const lease = this.leases.get(leaseId);
    if (!lease) return;
    for (const pair of lease.relays.values()) pair.close();
    this.leases.delete(leaseId);
  }

  dispose(): void {
    for (const id of [...this.leases.keys()]) this.closeLease(id);
    this.observer.dispose();
    this.relay.dispose();
  }

  private lease(leaseId: string): LeaseMesh {
    const lease = this.leases.get(leaseId);
    if (!lease) throw new Error(`no mesh for lease ${leaseId}`);
    return lease;
  }
}
