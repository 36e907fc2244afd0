import { describe, expect, it } from 'vitest';
import { sidecarContainerSpec } from './sidecar-container';

describe('the mesh sidecar container', () => {
  const { body } = sidecarContainerSpec({ name: 'side', image: 'idlegrid/mesh-sidecar:x', labels: { a: 'b' }, network: 'lease-net', hostname: 'rank-0' });
  const host = body.HostConfig as Record<string, unknown>;

  it('holds only what the mesh needs: NET_ADMIN, NET_RAW and the TUN device, nothing of the host', () => {
    expect(host.CapDrop).toEqual(['ALL']);
    expect(host.CapAdd).toEqual(['NET_ADMIN', 'NET_RAW']);
    expect(host.Privileged).toBe(false);
    expect(host.SecurityOpt).toEqual(['no-new-privileges:true']);
    expect(host.ReadonlyRootfs).toBe(true);
    expect(host.Binds).toEqual([]);
    expect(host.Devices).toEqual([{ PathOnHost: '/dev/net/tun', PathInContainer: '/dev/net/tun', CgroupPermissions: 'rwm' }]);
    expect(host.NetworkMode).toBe('lease-net');
  });

  it('switches IPv6 off in the lease namespace', () => {
    expect(host.Sysctls).toEqual({ 'net.ipv6.conf.all.disable_ipv6': '1', 'net.ipv6.conf.default.disable_ipv6': '1' });
  });
});
