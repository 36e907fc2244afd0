import { MESH_BLOCK, MESH_INTERFACE } from '../../../common/mesh';

/**
 * Destinations a job never reaches, whatever the renter chose: the supplier's LAN and
 * machine. RFC 1918, carrier NAT (100.64/10), link-local (169.254/16, cloud metadata
 * included), loopback of other namespaces, this-network, multicast and reserved, and
 * every other lease's mesh (the mesh block outside this lease's /24).
 */
export const NEVER_REACHABLE_V4 = [
  '0.0.0.0/8',
  '10.0.0.0/8',
  '100.64.0.0/10',
  '127.0.0.0/8',
  '169.254.0.0/16',
  '172.16.0.0/12',
  '192.0.0.0/24',
  '192.168.0.0/16',
  MESH_BLOCK,
  '224.0.0.0/4',
  '240.0.0.0/4',
] as const;

export interface SidecarFirewallOptions {
  /** This lease's /24 (meshSubnetOf). */
  meshSubnet: string;
  /** wireguard-go's UDP port in this namespace. */
  listenPort: number;
  /** Whether the renter chose (and pays for) the public internet. */
  egress: boolean;
  /**
   * Addresses of the supplier's machine and the hub's private endpoints, refused on top of
   * the ranges above (a host with a public address would otherwise be reachable by it),
   * and the sidecar's Docker gateway.
   */
  blockedAddresses: string[];
  /**
   * The sidecar's Docker gateway, i.e. the supplier's own machine: it may open TCP
   * connections to the job (a renter's port forward arrives that way, issue 12). The job
   * still cannot open one back: only replies leave (conntrack), and the gateway stays in
   * `blockedAddresses` for new connections.
   */
  forwardsFrom?: string | null;
}

/**
 * The iptables-restore text the sidecar loads into the lease's namespace. The job shares
 * that namespace but has no NET_ADMIN, so it can neither change these rules nor add
 * routes or interfaces. UDP from the WireGuard port is let out anywhere: only
 * wireguard-go holds that port (a job cannot bind it, nor send raw packets without
 * NET_RAW), and what it sends is WireGuard to the lease's peers, the hub's observer or
 * its relay. IPv6 is switched off in the namespace (sysctl at create), so ULA and
 * link-local v6 are unreachable by construction.
 */
export function sidecarFirewallRules(options: SidecarFirewallOptions): string {
  const lines = [
    '*filter',
    ':INPUT DROP [0:0]',
    ':FORWARD DROP [0:0]',
    ':OUTPUT DROP [0:0]',
    '-A INPUT -i lo -j ACCEPT',
    '-A INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT',
    `-A INPUT -p udp --dport ${options.listenPort} -j ACCEPT`,
    `-A INPUT -i ${MESH_INTERFACE} -s ${options.meshSubnet} -j ACCEPT`,
    ...(options.forwardsFrom && /^\d{1,3}(\.\d{1,3}){3}$/.test(options.forwardsFrom) ? [`-A INPUT ! -i ${MESH_INTERFACE} -p tcp -s ${options.forwardsFrom} -m conntrack --ctstate NEW -j ACCEPT`] : []),
    '-A OUTPUT -o lo -j ACCEPT',
    `-A OUTPUT -p udp --sport ${options.listenPort} ! -o ${MESH_INTERFACE} -j ACCEPT`,
    `-A OUTPUT -o ${MESH_INTERFACE} -d ${options.meshSubnet} -j ACCEPT`,
    `-A OUTPUT -o ${MESH_INTERFACE} -j REJECT`,
    '-A OUTPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT',
  ];
  for (const range of NEVER_REACHABLE_V4) lines.push(`-A OUTPUT -d ${range} -j REJECT`);
  for (const address of options.blockedAddresses) {
    if (!/^\d{1,3}(\.\d{1,3}){3}(\/\d{1,2})?$/.test(address)) continue; // v6 is off; anything else is not an address
    lines.push(`-A OUTPUT -d ${address} -j REJECT`);
  }
  lines.push(options.egress ? '-A OUTPUT -j ACCEPT' : '-A OUTPUT -j REJECT');
  lines.push('COMMIT', '');
  return lines.join('\n');
}
