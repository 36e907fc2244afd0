import type { WorkerLease } from './worker-messages';

/**
 * The environment every container of a cluster gets, so torch.distributed (env://) or Ray
 * can rendezvous: its RANK, the WORLD_SIZE, rank 0's address and port, and all peers.
 * Built here, from the lease the hub sent, so every worker computes it the same way.
 */
export function clusterEnvironment(lease: WorkerLease): Record<string, string> {
  return {
    ...(lease.job.env ?? {}),
    RANK: String(lease.rank),
    LOCAL_RANK: '0',
    WORLD_SIZE: String(lease.worldSize),
    MASTER_ADDR: lease.masterAddr,
    MASTER_PORT: String(lease.masterPort),
    IDLEGRID_PEERS: lease.peers.map((p) => `${p.rank}=${p.host}`).join(','),
    IDLEGRID_LEASE_ID: lease.leaseId,
  };
}
