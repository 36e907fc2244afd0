import { describe, expect, it } from 'vitest';
import { isPrivateAddress, registryOf, registryRefusal } from './registry-policy';

describe('registry policy (issue 14, item 5)', () => {
  it('reads the registry of an image reference as Docker does', () => {
    expect(registryOf('busybox')).toBeNull();
    expect(registryOf('library/busybox:1')).toBeNull();
    expect(registryOf('ghcr.io/org/x:1')).toBe('ghcr.io');
    expect(registryOf('127.0.0.1:5000/x')).toBe('127.0.0.1:5000');
    expect(registryOf('localhost/x')).toBe('localhost');
    expect(registryOf('localhost:5000/x')).toBe('localhost:5000');
  });

  it('knows loopback, private, CGNAT, link-local and ULA addresses', () => {
    for (const a of ['127.0.0.1', '10.1.2.3', '172.20.0.1', '192.168.1.10', '100.64.0.1', '169.254.169.254', '0.0.0.0', '::1', 'fd00::1', 'fe80::1', '::ffff:127.0.0.1']) {
      expect(isPrivateAddress(a), a).toBe(true);
    }
    for (const a of ['140.82.112.34', '8.8.8.8', '2606:4700::1111', '172.32.0.1']) expect(isPrivateAddress(a), a).toBe(false);
  });

  const none = { allowedRegistries: () => [] as string[] };
  const resolve = async (host: string) => ({ 'nas.home.example': ['192.168.1.20'], 'rebind.example': ['93.184.216.34', '127.0.0.1'], 'registry.example': ['93.184.216.34'] })[host] ?? [];

  it("refuses a renter's image on this machine's loopback or private network, and says how to allow it", async () => {
    for (const image of ['127.0.0.1:5000/x', 'localhost:5000/x:1', 'localhost/x', '10.0.0.5:5000/a/b', '[::1]:5000/x']) {
      const refusal = await registryRefusal(image, { ...none, resolve });
      expect(refusal, image).toMatch(/private network.*add ".*" to the allowed registries in Settings/);
    }
    // A name that resolves inside (one address is enough: DNS rebinding picks either).
    expect(await registryRefusal('nas.home.example/x', { ...none, resolve })).toMatch(/at 192\.168\.1\.20/);
    expect(await registryRefusal('rebind.example/x', { ...none, resolve })).toMatch(/at 127\.0\.0\.1/);
  });

  it('lets public registries, Docker Hub and allow-listed private ones through', async () => {
    expect(await registryRefusal('busybox:1', { ...none, resolve })).toBeNull();
    expect(await registryRefusal('registry.example/x', { ...none, resolve })).toBeNull();
    expect(await registryRefusal('127.0.0.1:5000/x', { allowedRegistries: () => ['127.0.0.1:5000'], resolve })).toBeNull();
    expect(await registryRefusal('127.0.0.1:5001/x', { allowedRegistries: () => ['127.0.0.1:5000'], resolve })).not.toBeNull();
    expect(await registryRefusal('127.0.0.1:5001/x', { allowedRegistries: () => ['127.0.0.1:*'], resolve })).toBeNull();
    expect(await registryRefusal('NAS.home.example/x', { allowedRegistries: () => ['nas.home.example'], resolve })).toBeNull();
  });
});
