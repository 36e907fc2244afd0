/**
 * Where a lease's mesh lives. Every lease gets a /24 of 198.19.0.0/16 (the upper half of
 * 198.18.0.0/15, which RFC 2544 reserves for benchmarking and no one routes on the
 * internet): it cannot collide with a home or office LAN (RFC 1918), a carrier NAT or
 * Tailscale (100.64/10), link-local or Docker's default pools, all of which the sidecar's
 * firewall refuses anyway. The /24 is picked from the lease id, so every node computes
 * the same one without asking; two leases on one machine may draw the same /24 without
 * harm, since each lease lives in its own network namespace with its own WireGuard keys.
 * Rank r has the address .(r+1), so a lease holds up to 254 nodes.
 */
export const MESH_BLOCK = '198.19.0.0/16';
export const MESH_PREFIX_LENGTH = 24;
/** The WireGuard interface inside the sidecar's namespace; GLOO/NCCL_SOCKET_IFNAME name it. */
export const MESH_INTERFACE = 'idg0';
/**
 * wireguard-go's UDP port is drawn per node and lease from this range. Not one fixed port:
 * the supplier's NATs (Docker's, the home router's) keep a mapping for a while after a lease
 * ends, and a new lease's packets from the same port to the same peer would then get a
 * different outside port than the hub observed — a cone NAT would act symmetric.
 */
export const MESH_PORT_RANGE = { min: 20_000, max: 59_999 } as const;
export const MESH_MAX_NODES = 254;

/** The lease's /24, e.g. "198.19.37.0/24". */
export function meshSubnetOf(leaseId: string): string {
  return `198.19.${meshOctetOf(leaseId)}.0/${MESH_PREFIX_LENGTH}`;
}

/** Rank r's address in the lease's mesh, without prefix length. */
export function meshAddressOf(leaseId: string, rank: number): string {
  if (!Number.isInteger(rank) || rank < 0 || rank >= MESH_MAX_NODES) throw new RangeError(`rank ${rank} has no mesh address (0–${MESH_MAX_NODES - 1})`);
  return `198.19.${meshOctetOf(leaseId)}.${rank + 1}`;
}

/** FNV-1a of the lease id, folded to one octet. */
function meshOctetOf(leaseId: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < leaseId.length; i += 1) {
    hash ^= leaseId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return (hash ^ (hash >>> 8) ^ (hash >>> 16) ^ (hash >>> 24)) & 0xff;
}

/** The environment that points torch.distributed (gloo) and NCCL at the mesh. MASTER_ADDR is rank 0's mesh address, never an address a worker declared. */
export function meshClusterEnvironment(leaseId: string, worldSize: number): Record<string, string> {
  const peers: string[] = [];
  for (let rank = 0; rank < worldSize; rank += 1) peers.push(`${rank}=${meshAddressOf(leaseId, rank)}`);
  return {
    MASTER_ADDR: meshAddressOf(leaseId, 0),
    GLOO_SOCKET_IFNAME: MESH_INTERFACE,
    NCCL_SOCKET_IFNAME: MESH_INTERFACE,
    IDLEGRID_PEERS: peers.join(','),
  };
}
