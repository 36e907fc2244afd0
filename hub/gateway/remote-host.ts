import type { IncomingMessage } from 'node:http';

/** The peer's IP as the hub sees it, without the IPv4-mapped IPv6 prefix. */
export function remoteHostOf(request: IncomingMessage): string {
  const address = request.socket.remoteAddress ?? 'unknown';
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}
