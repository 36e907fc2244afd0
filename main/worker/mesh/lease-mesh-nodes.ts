import { networkInterfaces } from 'node:os';
import type { JobSpec } from '../../../common/worker/job-spec';
import type { Logger } from '../../../common/logger';
import type { ContainerEngine } from '../container-engine';
import { EngineError } from '../container-engine';
import { leaseLabels, leaseNetworkName } from '../job-resources';
import { joinMesh } from './mesh-join';
import type { MeshJoinResult, MeshSignalling } from './mesh-join';
import { MeshNode } from './mesh-node';
import { ensureSidecarImage, sidecarImageToolsMissing } from './sidecar-image';

/** What the mesh needs from this machine's hub session: its worker id there, the hub's signalling and the supplier wallet. */
export interface MeshHubSession {
  /** This machine's worker id at the hub (the placement names it); null while not connected. */
  workerId(): string | null;
  signalling(hubLeaseId: string): MeshSignalling;
  /** The supplier wallet's address, which signs this node's key. */
  supplier(): string | null;
  signMessage(message: Uint8Array): Promise<Uint8Array>;
}

export interface LeaseMeshNodesDeps {
  engine: ContainerEngine;
  logger: Logger;
  /** The local worker id (Docker names and labels). */
  workerId: string;
  /** Builds or finds the sidecar image (default: ensureSidecarImage from this machine's binaries). */
  sidecarImage?: () => Promise<string>;
  /** This machine's own addresses, refused from inside every lease (default: every IPv4 address of its interfaces). */
  hostAddresses?: () => string[];
  /** How long a pair may try the direct path before the relay (tests shrink it). */
  directTimeoutMs?: number;
}

interface LeaseMesh {
  /** Made once the sidecar image is known. */
  node: MeshNode | null;
  /** Resolves once the sidecar runs and the mesh is joined (or throws why not). */
  ready: Promise<{ sidecar: string; join: MeshJoinResult | null }>;
}

/**
 * Every lease's end of the mesh on this machine: the sidecar that owns the lease's
 * network namespace (for one node or many: the firewall isolates every lease), made as
 * soon as the lease is assigned — while it is still reserved — so the job's start does
 * not wait for it and the renter sees the mesh matrix before paying. The job runner then
 * only joins the job container to it (`attach`), and removes it with the lease.
 */
export class LeaseMeshNodes {
  private readonly leases = new Map<string, LeaseMesh>();
  private hub: MeshHubSession | null = null;
  private image: Promise<string> | null = null;

  constructor(private readonly d: LeaseMeshNodesDeps) {}

  /** The hub session the meshes signal through (the supplier's link, once it is connected). */
  connect(hub: MeshHubSession | null): void {
    this.hub = hub;
  }

  /** Why this machine cannot host a mesh (what to install), or null when it can. */
  unavailableReason(): string | null {
    if (this.d.sidecarImage) return null;
    const missing = sidecarImageToolsMissing();
    return missing.length > 0
      ? `Cluster leases need a WireGuard mesh, and this machine lacks ${missing.join(', ')}. Install them (Debian/Ubuntu: sudo apt-get install wireguard-go wireguard-tools iproute2 iptables busybox-static) and restart Idlegrid.`
      : null;
  }

  /** Starts the lease's sidecar and mesh in the background (idempotent); `attach` waits for it. */
  prepare(spec: JobSpec): void {
    if (!spec.mesh || this.leases.has(spec.leaseId)) return;
    const lease: LeaseMesh = { node: null, ready: Promise.resolve({ sidecar: '', join: null }) };
    lease.ready = this.start(spec, lease);
    lease.ready.catch(() => undefined); // awaited by attach; a failure there ends the job with its words
    this.leases.set(spec.leaseId, lease);
  }

  /** The lease's sidecar, once its mesh is up: the job container joins its namespace. */
  async attach(spec: JobSpec): Promise<{ sidecar: string }> {
    this.prepare(spec);
    const lease = this.leases.get(spec.leaseId);
    if (!lease) throw new Error(`lease ${spec.leaseId} has no mesh`);
    const { sidecar } = await lease.ready;
    return { sidecar };
  }

  /** True while a lease's sidecar is kept (the reconciler leaves it alone). */
  holds(leaseId: string): boolean {
    return this.leases.has(leaseId);
  }

  /** The lease is over on this machine: its sidecar goes (the network with the job's clean-up). */
  async release(leaseId: string): Promise<void> {
    const lease = this.leases.get(leaseId);
    if (!lease) return;
    this.leases.delete(leaseId);
    await lease.ready.catch(() => undefined);
    await lease.node?.dispose();
  }

  private async start(spec: JobSpec, lease: LeaseMesh): Promise<{ sidecar: string; join: MeshJoinResult | null }> {
    const mesh = spec.mesh!;
    const unavailable = this.unavailableReason();
    if (unavailable) throw new Error(unavailable);
    this.image ??= (this.d.sidecarImage ?? (() => ensureSidecarImage(this.d.engine)))();
    const image = await this.image.catch((error: unknown) => {
      this.image = null; // tried again for the next lease
      throw error;
    });
    const node = new MeshNode(
      { engine: this.d.engine, logger: this.d.logger },
      {
        leaseId: mesh.hubLeaseId,
        rank: mesh.rank,
        sidecarImage: image,
        sidecarName: `idlegrid-${shortId(this.d.workerId)}-mesh-${spec.leaseId}`,
        network: leaseNetworkName(this.d.workerId, spec.leaseId),
        labels: leaseLabels(this.d.workerId, spec.leaseId),
        egress: spec.egress,
        blockedAddresses: (this.d.hostAddresses ?? hostIPv4Addresses)(),
      },
    );
    lease.node = node;
    await this.ensureNetwork(spec);
    // A sidecar of this lease left from before an app restart cannot be reused (its keys
    // died with that process): it goes, and a fresh one takes its name.
    await this.d.engine.removeContainer(node.options.sidecarName).catch(() => undefined);
    await node.start();
    if (mesh.placement.length === 1) return { sidecar: node.sidecar, join: null };
    const hub = this.hub;
    const hubWorkerId = hub?.workerId() ?? null;
    const supplier = hub?.supplier() ?? null;
    if (!hub || !hubWorkerId || !supplier) throw new Error('This machine is not connected to the hub, so it cannot join the lease’s mesh.');
    const join = await joinMesh(node, hub.signalling(mesh.hubLeaseId), {
      leaseId: mesh.hubLeaseId,
      rank: mesh.rank,
      workerId: hubWorkerId,
      supplier,
      signMessage: (message) => hub.signMessage(message),
      placement: mesh.placement,
      ...(this.d.directTimeoutMs !== undefined ? { directTimeoutMs: this.d.directTimeoutMs } : {}),
    });
    const down = join.pairs.filter((p) => p.path === 'down').map((p) => p.peer.rank);
    const missing = mesh.placement.filter((p) => p.rank !== mesh.rank && !join.admission.admitted.some((a) => a.rank === p.rank)).map((p) => p.rank);
    if (missing.length > 0) {
      const refused = join.admission.refused.map((r) => r.reason).join('; ');
      throw new Error(`The lease's mesh did not form: no valid key from node(s) ${missing.join(', ')}${refused ? ` (${refused})` : ''}.`);
    }
    if (down.length > 0) throw new Error(`The lease's mesh did not come up to node(s) ${down.join(', ')}, directly or through the hub's relay.`);
    return { sidecar: node.sidecar, join };
  }

  /** The lease's network with a route out (WireGuard must reach peers and the hub); the sidecar's firewall decides what the job reaches. */
  private async ensureNetwork(spec: JobSpec): Promise<void> {
    try {
      await this.d.engine.createNetwork({ name: leaseNetworkName(this.d.workerId, spec.leaseId), labels: leaseLabels(this.d.workerId, spec.leaseId), internal: false });
    } catch (error) {
      if (error instanceof EngineError && error.statusCode === 409) return;
      throw error;
    }
  }
}

/** Every IPv4 address of this machine's interfaces (loopback included): a lease must reach none of them. */
export function hostIPv4Addresses(): string[] {
  const out: string[] = [];
  for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) if (a.family === 'IPv4') out.push(a.address);
  return out;
}

function shortId(workerId: string): string {
  return workerId.replace(/[^A-Za-z0-9]/g, '').slice(0, 12);
}
