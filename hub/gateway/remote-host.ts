import type { IncomingMessage } from 'node:http';
import { isIPv6 } from 'node:net';

/** The peer's IP as the hub sees it, without the IPv4-mapped IPv6 prefix. */
export function remoteHostOf(request: IncomingMessage): string {
  return plainAddress(request.socket.remoteAddress);
}

function plainAddress(address: string | undefined): string {
  const a = address ?? 'unknown';
  return a.startsWith('::ffff:') ? a.slice(7) : a;
}

/**
 * The key per-address caps count under: the IPv4 address, or an IPv6 address's /64 (one
 * home or host gets a whole /64, so counting single IPv6 addresses would cap nothing).
 */
export function addressKeyOf(address: string | undefined): string {
  const a = plainAddress(address);
  if (!isIPv6(a)) return a;
  const expanded = expandIPv6(a);
  return expanded ? `${expanded.slice(0, 4).join(':')}::/64` : a;
}

function expandIPv6(address: string): string[] | null {
  const [head, tail] = address.split('%')[0]!.split('::') as [string, string | undefined];
  const left = head ? head.split(':') : [];
  const right = tail !== undefined && tail !== '' ? tail.split(':') : [];
  if (tail === undefined) return left.length === 8 ? left : null;
  const missing = 8 - left.length - right.length;
  if (missing < 0) return null;
  return [...left, ...Array<string>(missing).fill('0'), ...right];
}
