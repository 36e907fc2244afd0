import { clusterEnvironment } from '../../../common/hub/cluster-env';
import { meshClusterEnvironment } from '../../../common/mesh';
import type { WorkerLease } from '../../../common/hub/worker-messages';
import type { HardwareSnapshot } from '../../../common/hardware/detection';
import type { JobSpecInput } from '../../../common/worker/job-spec';
import { leaseEgressPrice } from './lease-admission';

/** How long the image pull and container start may take on top of the paid time. */
const START_ALLOWANCE_MS = 10 * 60_000;
const MAX_JOB_MS = 90 * 24 * 3600_000;
const SCRATCH_MB_PER_GPU = 8 * 1024;

/**
 * The job id of a lease's container on this machine: made from the lease and the rank, so
 * after a restart the session finds the job it started before instead of starting another.
 */
export function leaseJobId(lease: Pick<WorkerLease, 'leaseId' | 'rank'>): string {
  return `lease-${lease.leaseId}-r${lease.rank}`.replace(/[^A-Za-z0-9_.-]/g, '-').slice(0, 63);
}

/** The lease id as this machine's Docker names spell it. */
export function localLeaseId(leaseId: string): string {
  return leaseId.replace(/[^A-Za-z0-9_.-]/g, '-').slice(0, 63);
}

/** Whether a lease can run in a mesh: the hub named every node's supplier wallet (older hubs did not). */
export function leaseHasMeshPlacement(lease: WorkerLease): boolean {
  return lease.peers.length === lease.worldSize && lease.peers.every((p) => typeof p.supplier === 'string');
}

/**
 * The local job for a lease: exactly the leased GPUs, the cluster's environment, and a
 * share of this machine's CPU, memory and disk in proportion to the GPUs leased (so two
 * renters on one machine cannot starve each other). The job's own maximum duration is a
 * safety net covering the whole lease (or the owner's maximum, for extensions) plus the
 * grace; the session stops the job itself when the verified payments run out.
 */
export function leaseJobSpec(lease: WorkerLease, snapshot: HardwareSnapshot | null, ownerMaxLeaseMs: number, options: { mesh?: boolean } = {}): JobSpecInput {
  const totalGpus = Math.max(1, snapshot?.gpus.filter((g) => g.lendable).length ?? 1);
  const share = Math.min(1, lease.gpuUuids.length / totalGpus);
  const host = snapshot?.host ?? null;
  const cores = host ? Math.max(1, Math.floor(host.cpuCores * share * 10) / 10) : 2;
  // 80 % of RAM is for jobs; the OS and the app keep the rest. Scratch is a tmpfs (in
  // memory, hardened-container.ts), so it comes out of that share: up to a quarter of it.
  const jobMemoryMb = host ? Math.max(512, Math.floor((host.ramTotalBytes / 1024 ** 2) * 0.8 * share)) : 4096;
  const scratchMb = Math.max(64, Math.min(SCRATCH_MB_PER_GPU * lease.gpuUuids.length, Math.floor(jobMemoryMb / 4)));
  const memoryMb = Math.max(256, jobMemoryMb - scratchMb);
  const leaseMs = Math.max(lease.incrementCount * lease.incrementMs, ownerMaxLeaseMs);
  const ports = new Set(lease.job.ports ?? []);
  // Rank 0 hosts the rendezvous; its peers reach it on MASTER_PORT.
  if (lease.rank === 0 && lease.worldSize > 1) ports.add(lease.masterPort);
  const mesh = options.mesh === true && leaseHasMeshPlacement(lease);
  return {
    jobId: leaseJobId(lease),
    leaseId: localLeaseId(lease.leaseId),
    image: lease.job.image,
    command: lease.job.command ?? [],
    // In the mesh, MASTER_ADDR and the peers are mesh addresses (never a worker's own word),
    // and nothing is published: only the lease's peers reach the job, over the mesh.
    env: mesh ? { ...clusterEnvironment(lease), ...meshClusterEnvironment(lease.leaseId, lease.worldSize) } : clusterEnvironment(lease),
    exposedPorts: mesh ? [] : [...ports].sort((a, b) => a - b).map((port) => ({ port, protocol: 'tcp' as const })),
    gpuUuids: [...lease.gpuUuids],
    cpuCores: cores,
    memoryLimitMb: memoryMb,
    tmpSizeMb: 256,
    scratchSizeMb: scratchMb,
    maxDurationMs: Math.min(MAX_JOB_MS, leaseMs + lease.graceMs + START_ALLOWANCE_MS),
    // The internet only when the renter bought egress on this node (asked AND priced by the
    // hub; admission checked the price); in the mesh, peers are reached over WireGuard either
    // way. Without the mesh, a cluster over machines must reach its peers through the bridge.
    egress: leaseEgressPrice(lease) !== null || (!mesh && lease.worldSize > 1),
    stopGraceMs: 10_000,
    ...(mesh ? { mesh: { hubLeaseId: lease.leaseId, rank: lease.rank, placement: lease.peers.map((p) => ({ rank: p.rank, workerId: p.workerId, supplier: p.supplier! })) } } : {}),
    runAsRoot: lease.job.runAsRoot ?? false,
  };
}
