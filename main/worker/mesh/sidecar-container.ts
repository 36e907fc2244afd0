import type { ContainerCreateSpec } from '../container-engine';

export interface SidecarContainerOptions {
  name: string;
  image: string;
  labels: Record<string, string>;
  /** The Docker network the sidecar's namespace starts on (a bridge with a route out: WireGuard must reach peers and the hub). */
  network: string;
  /** The namespace's hostname, which the job container inherits. */
  hostname: string;
}

/**
 * The create body of a lease's mesh sidecar. It owns the lease's network namespace and
 * is the only container of the lease with capabilities: NET_ADMIN (to make the
 * WireGuard interface and load the firewall), NET_RAW (to ping peers when measuring the
 * mesh) and the TUN device. Everything else is
 * as locked down as a job: no other capability, no-new-privileges, read-only root,
 * small limits, no host paths. IPv6 is off in the namespace, so nothing of the
 * supplier's IPv6 LAN (ULA, link-local) is reachable from it.
 */
export function sidecarContainerSpec(options: SidecarContainerOptions): ContainerCreateSpec {
  return {
    name: options.name,
    body: {
      Image: options.image,
      Labels: { ...options.labels, 'io.idlegrid.role': 'mesh-sidecar' },
      Hostname: options.hostname.slice(0, 63),
      StopTimeout: 2,
      AttachStdin: false,
      OpenStdin: false,
      Tty: false,
      HostConfig: {
        Privileged: false,
        CapDrop: ['ALL'],
        // NET_RAW only for the mesh's own ping (busybox has no unprivileged ICMP); the job's processes never get it.
        CapAdd: ['NET_ADMIN', 'NET_RAW'],
        SecurityOpt: ['no-new-privileges:true'],
        ReadonlyRootfs: true,
        Tmpfs: { '/run': 'rw,nosuid,nodev,noexec,size=1m', '/tmp': 'rw,nosuid,nodev,noexec,size=8m' },
        Binds: [],
        Devices: [{ PathOnHost: '/dev/net/tun', PathInContainer: '/dev/net/tun', CgroupPermissions: 'rwm' }],
        Sysctls: { 'net.ipv6.conf.all.disable_ipv6': '1', 'net.ipv6.conf.default.disable_ipv6': '1' },
        Memory: 128 * 1024 * 1024,
        MemorySwap: 128 * 1024 * 1024,
        PidsLimit: 64,
        NetworkMode: options.network,
        IpcMode: 'private',
        Runtime: 'runc',
        RestartPolicy: { Name: 'no' },
        AutoRemove: false,
        LogConfig: { Type: 'json-file', Config: { 'max-size': '1m', 'max-file': '1' } },
      },
    },
  };
}
