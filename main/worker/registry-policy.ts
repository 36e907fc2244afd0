import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/**
 * Which registries a renter's image may come from (issue 14, item 5). Docker pulls from
 * wherever the image reference points, from the supplier's own network position: an image
 * `127.0.0.1:5000/x`, `localhost:5000/x` or `nas.lan/x` would make this machine fetch
 * from its own loopback or LAN (the owner's private images, or a request into a service
 * that was never meant to face the internet). Registries on such addresses are refused
 * unless the owner allow-listed them in Settings (`allowedRegistries`).
 */

/** Addresses that are this machine or its private networks, never a public registry. */
const PRIVATE = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // CGNAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local (cloud metadata lives here)
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15], // benchmarking
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  PRIVATE.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7], // ULA
  ['fe80::', 10], // link-local
  ['ff00::', 8],
] as const) {
  PRIVATE.addSubnet(net, prefix, 'ipv6');
}

/** True for loopback, private, CGNAT, link-local, ULA and other non-public addresses. */
export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return PRIVATE.check(address, 'ipv4');
  if (family === 6) {
    // An IPv4-mapped address (::ffff:127.0.0.1) is the IPv4 address.
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
    if (mapped) return PRIVATE.check(mapped[1]!, 'ipv4');
    return PRIVATE.check(address, 'ipv6');
  }
  return false;
}

/**
 * The registry part of an image reference as Docker reads it: the first path component
 * when it has a "." or ":" or is "localhost"; otherwise Docker Hub (null here).
 */
export function registryOf(image: string): string | null {
  const slash = image.indexOf('/');
  if (slash < 0) return null;
  const first = image.slice(0, slash);
  if (first.includes('.') || first.includes(':') || first === 'localhost') return first.toLowerCase();
  return null;
}

function hostOf(registry: string): string {
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(registry);
  if (bracketed) return bracketed[1]!;
  const colon = registry.lastIndexOf(':');
  return colon >= 0 && /^\d+$/.test(registry.slice(colon + 1)) ? registry.slice(0, colon) : registry;
}

export interface RegistryPolicyDeps {
  /** The owner's allow-list (`host:port`, as written in image references, or `host:*`). */
  allowedRegistries: () => readonly string[];
  /** Every address a host name resolves to (DNS); a test may answer for names it made up. */
  resolve?: (host: string) => Promise<string[]>;
}

async function resolveAll(host: string): Promise<string[]> {
  const answers = await lookup(host, { all: true, verbatim: true });
  return answers.map((a) => a.address);
}

/**
 * Null when the image may be pulled; otherwise why not and how to allow it. A name that
 * does not resolve is left to Docker (its pull then fails with its own clear message).
 */
export async function registryRefusal(image: string, deps: RegistryPolicyDeps): Promise<string | null> {
  const registry = registryOf(image);
  if (!registry) return null; // Docker Hub
  const host = hostOf(registry);
  // `host:port` as in the image reference, or `host:*` for any port of that host.
  const allowed = deps.allowedRegistries().some((entry) => {
    const r = entry.trim().toLowerCase();
    return r === registry || (r.endsWith(':*') && r.slice(0, -2) === host);
  });
  if (allowed) return null;
  let addresses: string[];
  if (host === 'localhost' || host.endsWith('.localhost')) {
    addresses = ['127.0.0.1'];
  } else if (isIP(host)) {
    addresses = [host];
  } else {
    try {
      addresses = await (deps.resolve ?? resolveAll)(host);
    } catch {
      return null;
    }
  }
  const inside = addresses.find(isPrivateAddress);
  if (!inside) return null;
  return (
    `This job's image comes from ${registry}, which is ${inside === host ? 'an address' : `at ${inside}, an address`} on this machine or its private network. ` +
    `Renters' images are not pulled from there, so a renter cannot reach your own network through Docker. ` +
    `If it is your registry and you want to lend with it, add "${registry}" to the allowed registries in Settings.`
  );
}
