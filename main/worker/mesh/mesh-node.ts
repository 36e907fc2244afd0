import type { ContainerEngine, ExecResult } from '../container-engine';
import type { Logger } from '../../../common/logger';
import { randomInt } from 'node:crypto';
import { MESH_INTERFACE, MESH_PORT_RANGE, meshAddressOf, meshSubnetOf } from '../../../common/mesh';
import type { MeshEndpoint } from '../../../common/mesh';
import { createMeshKeyPair } from './mesh-keys';
import type { MeshKeyPair } from './mesh-keys';
import { sidecarContainerSpec } from './sidecar-container';
import { sidecarFirewallRules } from './sidecar-firewall';

export interface MeshNodeDeps {
  engine: ContainerEngine;
  logger: Logger;
}

export interface MeshNodeOptions {
  leaseId: string;
  rank: number;
  sidecarImage: string;
  /** Docker name of the sidecar container; the job joins its namespace (`container:<name>`). */
  sidecarName: string;
  /** The Docker network the sidecar starts on (it needs a route out for WireGuard). */
  network: string;
  labels: Record<string, string>;
  egress: boolean;
  /** The supplier machine's own addresses and the hub's private ones: never reachable from the lease. */
  blockedAddresses: string[];
}

const EXEC_TIMEOUT_MS = 10_000;
/** The mesh's own bandwidth test: a sink on this port in each sidecar while the mesh is measured. */
export const MEASURE_PORT = 51821;
const MEASURE_SINK_S = 60;

/**
 * One node's end of a lease's mesh: the sidecar container that owns the lease's network
 * namespace, the node's fresh WireGuard keys, the mesh interface and the firewall. The
 * worker drives it through `docker exec` (wg, ip, iptables-restore) so no daemon of ours
 * runs inside; the job container joins the namespace without any capability.
 */
export class MeshNode {
  readonly keys: MeshKeyPair = createMeshKeyPair();
  readonly meshAddress: string;
  readonly meshSubnet: string;
  /** wireguard-go's UDP port, drawn for this node and lease (see MESH_PORT_RANGE). */
  readonly listenPort = randomInt(MESH_PORT_RANGE.min, MESH_PORT_RANGE.max + 1);
  private sidecarId: string | null = null;
  /** The sidecar's default gateway: this machine, as the lease's namespace reaches it. */
  private gateway: string | null = null;
  private disposed = false;

  constructor(
    private readonly deps: MeshNodeDeps,
    readonly options: MeshNodeOptions,
  ) {
    this.meshAddress = meshAddressOf(options.leaseId, options.rank);
    this.meshSubnet = meshSubnetOf(options.leaseId);
  }

  /** The sidecar's container id, for `NetworkMode: container:<id>`. */
  get sidecar(): string {
    if (!this.sidecarId) throw new Error('the mesh sidecar is not started');
    return this.sidecarId;
  }

  /** Creates and starts the sidecar, brings the mesh interface up with this node's key and address, and loads the firewall. */
  async start(): Promise<void> {
    const spec = sidecarContainerSpec({
      name: this.options.sidecarName,
      image: this.options.sidecarImage,
      labels: this.options.labels,
      network: this.options.network,
      hostname: `rank-${this.options.rank}`,
    });
    this.sidecarId = await this.deps.engine.createContainer(spec);
    await this.deps.engine.startContainer(this.sidecarId);
    // wireguard-go makes the interface a moment after the container starts.
    let ready = false;
    for (let attempt = 0; attempt < 100 && !ready; attempt += 1) {
      ready = (await this.exec(['ip', 'link', 'show', MESH_INTERFACE])).exitCode === 0;
      if (!ready) await sleep(50);
    }
    if (!ready) throw new Error(`the mesh sidecar made no ${MESH_INTERFACE} interface`);
    const route = await this.mustExec(['ip', '-4', 'route', 'show', 'default']);
    const gateway = /default via (\S+)/.exec(route.stdout)?.[1];
    this.gateway = gateway ?? null;
    await this.mustExec(
      [
        'sh',
        '-c',
        // The private key goes through the environment and a tmpfs file, never a command line.
        `umask 077 && printf %s "$WG_PRIVATE_KEY" > /run/wg.key && wg set ${MESH_INTERFACE} private-key /run/wg.key listen-port ${this.listenPort} && rm -f /run/wg.key` +
          ` && ip address add ${this.meshAddress}/24 dev ${MESH_INTERFACE} && ip link set ${MESH_INTERFACE} up`,
      ],
      [`WG_PRIVATE_KEY=${this.keys.privateKey}`],
    );
    const rules = sidecarFirewallRules({
      meshSubnet: this.meshSubnet,
      listenPort: this.listenPort,
      egress: this.options.egress,
      blockedAddresses: [...this.options.blockedAddresses, ...(gateway ? [gateway] : [])],
      forwardsFrom: gateway ?? null,
    });
    await this.mustExec(['sh', '-c', 'printf %s "$RULES" | iptables-restore'], [`RULES=${rules}`]);
    // A TCP sink on the mesh for the peers' bandwidth test, for the first minute only
    // (a job may want the port later; it is reachable only over the mesh anyway).
    await this.mustExec(['sh', '-c', `timeout ${MEASURE_SINK_S} sh -c 'while :; do nc -l -p ${MEASURE_PORT} > /dev/null; done' > /dev/null 2>&1 &`]);
  }

  /** Points a throwaway peer at the hub's observer, so wireguard-go itself sends the probe; returns that peer's key for `endProbe`. */
  async probe(target: MeshEndpoint): Promise<string> {
    const throwaway = createMeshKeyPair().publicKey;
    const to = this.reachable(target);
    await this.mustExec(['wg', 'set', MESH_INTERFACE, 'peer', throwaway, 'endpoint', `${to.host}:${to.port}`, 'persistent-keepalive', '1']);
    return throwaway;
  }

  async endProbe(peerKey: string): Promise<void> {
    await this.mustExec(['wg', 'set', MESH_INTERFACE, 'peer', peerKey, 'remove']);
  }

  /** Adds or updates a peer; a short keepalive while paths are being found keeps NAT mappings open (simultaneous open). */
  async setPeer(peer: { wgPublicKey: string; meshAddress: string; endpoint: MeshEndpoint; keepaliveS?: number }): Promise<void> {
    const endpoint = this.reachable(peer.endpoint);
    await this.mustExec([
      'wg', 'set', MESH_INTERFACE, 'peer', peer.wgPublicKey,
      'endpoint', `${endpoint.host}:${endpoint.port}`,
      'allowed-ips', `${peer.meshAddress}/32`,
      'persistent-keepalive', String(peer.keepaliveS ?? 1),
    ]);
  }

  /**
   * A hub on loopback (a private grid or the Sandbox on this machine) names 127.0.0.1,
   * which inside the lease's namespace is the namespace itself: this machine is the
   * sidecar's gateway there.
   */
  reachable(endpoint: MeshEndpoint): MeshEndpoint {
    return endpoint.host.startsWith('127.') && this.gateway ? { host: this.gateway, port: endpoint.port } : endpoint;
  }

  async removePeer(wgPublicKey: string): Promise<void> {
    await this.mustExec(['wg', 'set', MESH_INTERFACE, 'peer', wgPublicKey, 'remove']);
  }

  /** Latest handshake per peer key, epoch ms (0: none yet). */
  async handshakes(): Promise<Map<string, number>> {
    const result = await this.mustExec(['wg', 'show', MESH_INTERFACE, 'latest-handshakes']);
    const map = new Map<string, number>();
    for (const line of result.stdout.split('\n')) {
      const [key, seconds] = line.trim().split(/\s+/);
      if (key && seconds) map.set(key, Number(seconds) * 1000);
    }
    return map;
  }

  /** Median round trip to a mesh address over the mesh, ms; null when nothing came back. */
  async rttMs(address: string, count = 5): Promise<number | null> {
    const result = await this.exec(['ping', '-c', String(count), '-i', '0.2', '-W', '1', address]);
    const times = [...result.stdout.matchAll(/time=([\d.]+) ms/g)].map((m) => Number(m[1])).sort((a, b) => a - b);
    return times.length > 0 ? times[Math.floor(times.length / 2)]! : null;
  }

  /**
   * Sends `bytes` over TCP to a peer's sink; bits per second as the sender saw them. The
   * sink takes one connection at a time (two peers may measure it at once), so a refused
   * connection is tried again a few times.
   */
  async sendTo(address: string, port: number, bytes: number): Promise<number | null> {
    const blocks = Math.max(1, Math.round(bytes / 65536));
    // busybox date has no sub-second clock; /proc/uptime does (10 ms).
    const script = `s=$(cut -d' ' -f1 /proc/uptime); dd if=/dev/zero bs=65536 count=${blocks} 2>/dev/null | nc ${address} ${port} && e=$(cut -d' ' -f1 /proc/uptime) && echo "$s $e"`;
    for (let attempt = 0; attempt < 8; attempt += 1) {
      const result = await this.exec(['sh', '-c', script], [], 60_000);
      const match = /([\d.]+) ([\d.]+)/.exec(result.stdout);
      if (result.exitCode === 0 && match) {
        const seconds = Math.max(0.01, Number(match[2]) - Number(match[1]));
        return Math.round((blocks * 65536 * 8) / seconds);
      }
      await sleep(250 + Math.floor(Math.random() * 250));
    }
    return null;
  }

  async exec(cmd: string[], env: string[] = [], timeoutMs = EXEC_TIMEOUT_MS): Promise<ExecResult> {
    return this.deps.engine.execInContainer(this.sidecar, { cmd, env, timeoutMs });
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    if (!this.sidecarId) return;
    try {
      await this.deps.engine.removeContainer(this.sidecarId);
    } catch (error) {
      this.deps.logger.warn({ err: error, leaseId: this.options.leaseId }, 'removing a mesh sidecar failed');
    }
  }

  private async mustExec(cmd: string[], env: string[] = []): Promise<ExecResult> {
    const result = await this.exec(cmd, env);
    if (result.exitCode !== 0) throw new Error(`${cmd[0]} in the mesh sidecar failed (${result.exitCode}): ${result.stderr.trim() || result.stdout.trim()}`);
    return result;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
