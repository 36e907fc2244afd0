import { hostReach } from '../../common/hub/hub-url';

export interface HubExposure {
  /** The address the hub binds. */
  host: string;
  /** Whether the hub serves TLS itself (a certificate and key were given). */
  tls: boolean;
  /** The origin clients reach the hub by (https://hub.example.org), when configured. */
  publicOrigin?: string;
}

/**
 * Checks, before the hub listens, that its sign-in domain will mean something and that
 * wallets' sign-ins and session tokens do not cross the internet in clear:
 * - the public origin (what sign-in challenges name, and what the app compares with the
 *   hub it dialled) is required whenever the hub binds beyond loopback, and is never an
 *   unspecified address (0.0.0.0 or ::), which every LAN hub would share;
 * - beyond loopback the origin is https (the hub's own certificate, or a reverse proxy
 *   that terminates TLS), except a plain http origin on a private address (a LAN grid).
 * Returns the origin when given (normalised), or null when it is derived after listen.
 */
export function checkHubExposure(e: HubExposure): string | null {
  const bindReach = hostReach(e.host);
  if (e.publicOrigin === undefined) {
    if (bindReach === 'loopback') return null;
    throw new Error(
      `A hub that listens on ${e.host} must be told the address clients use to reach it: --public-origin https://hub.example.org (or http://<LAN address>:<port> on a private network). It is the domain wallets sign in to.`,
    );
  }
  let url: URL;
  try {
    url = new URL(e.publicOrigin);
  } catch {
    throw new Error(`--public-origin must be a URL such as https://hub.example.org; got "${e.publicOrigin}".`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error(`--public-origin must start with https:// or http://; got "${e.publicOrigin}".`);
  if (url.pathname !== '/' || url.search || url.hash || url.username || url.password) {
    throw new Error(`--public-origin is an origin only (scheme, host and port), without a path; got "${e.publicOrigin}".`);
  }
  const originReach = hostReach(url.hostname);
  if (originReach === 'unspecified') {
    throw new Error(`--public-origin ${url.origin} names a bind-all address; give the name or address clients dial (e.g. https://hub.example.org or http://192.168.1.10:7070).`);
  }
  if (url.protocol === 'http:' && e.tls) throw new Error(`This hub serves TLS (--tls-cert), so its public origin is https://…, not ${url.origin}.`);
  if (url.protocol === 'http:' && originReach === 'public') {
    throw new Error(
      `${url.origin} would carry sign-ins and session tokens in clear across the internet. Serve TLS (--tls-cert FILE --tls-key FILE) with an https:// origin, or put the hub behind a reverse proxy that terminates TLS and give its https:// origin.`,
    );
  }
  return url.origin;
}

/** The origin of a hub on loopback with no configured origin: what its own URL says. */
export function loopbackOrigin(host: string, port: number, tls: boolean): string {
  return `${tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}`;
}
