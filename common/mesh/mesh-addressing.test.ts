import { describe, expect, it } from 'vitest';
import { MESH_INTERFACE, meshAddressOf, meshClusterEnvironment, meshSubnetOf } from './mesh-addressing';

describe('mesh addresses', () => {
  it('gives each lease a /24 of 198.19.0.0/16, the same on every node, rank r at .(r+1)', () => {
    const subnet = meshSubnetOf('lease-abc');
    expect(subnet).toMatch(/^198\.19\.\d{1,3}\.0\/24$/);
    expect(meshSubnetOf('lease-abc')).toBe(subnet);
    const third = subnet.split('.')[2];
    expect(meshAddressOf('lease-abc', 0)).toBe(`198.19.${third}.1`);
    expect(meshAddressOf('lease-abc', 253)).toBe(`198.19.${third}.254`);
    expect(() => meshAddressOf('lease-abc', 254)).toThrow(RangeError);
    const octets = new Set(Array.from({ length: 200 }, (_, i) => meshSubnetOf(`lease-${i}`)));
    expect(octets.size).toBeGreaterThan(100);
  });

  it('points MASTER_ADDR at rank 0 on the mesh, and gloo and NCCL at the mesh interface', () => {
    const env = meshClusterEnvironment('lease-abc', 3);
    expect(env.MASTER_ADDR).toBe(meshAddressOf('lease-abc', 0));
    expect(env.GLOO_SOCKET_IFNAME).toBe(MESH_INTERFACE);
    expect(env.NCCL_SOCKET_IFNAME).toBe(MESH_INTERFACE);
    expect(env.IDLEGRID_PEERS!.split(',')).toHaveLength(3);
  });
});
