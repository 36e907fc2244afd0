/** "192.168.1.10:7070" → "http://192.168.1.10:7070"; null when it is not a URL. */
export function normaliseHubUrl(text: string): string | null {
  const trimmed = text.trim();
  if (!trimmed) return null;
  try {
    const url = new URL(/^https?:\/\//.test(trimmed) ? trimmed : `http://${trimmed}`);
    return url.origin;
  } catch {
    return null;
  }
}

/**
 * Where a host name or IP literal points, as far as its text tells: `loopback`
 * (127.0.0.0/8, ::1, localhost), `private` (RFC 1918, CGNAT 100.64/10, link-local,
 * IPv6 ULA fc00::/7 and link-local fe80::/10), `unspecified` (0.0.0.0, ::: a bind
 * address, never a name to reach a hub by) or `public` (everything else, names included:
 * a name may resolve anywhere).
 */
export type HostReach = 'loopback' | 'private' | 'unspecified' | 'public';

export function hostReach(hostname: string): HostReach {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return 'loopback';
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host.replace(/^::ffff:/, ''));
  if (v4) {
    const [a, b] = [Number(v4[1]), Number(v4[2])];
    if (a === 0) return 'unspecified';
    if (a === 127) return 'loopback';
    if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 169 && b === 254) || (a === 100 && b >= 64 && b <= 127)) return 'private';
    return 'public';
  }
  if (host.includes(':')) {
    if (host === '::' || /^0*(:0*)*::?$/.test(host)) return 'unspecified';
    if (host === '::1' || /^(0+:){7}0*1$/.test(host)) return 'loopback';
    if (/^f[cd][0-9a-f]{0,2}:/.test(host) || /^fe[89ab][0-9a-f]?:/.test(host)) return 'private';
  }
  return 'public';
}

/**
 * True when talking to `hubUrl` would send a wallet sign-in and session token in clear
 * beyond loopback and private networks: plain http to a public address or any name
 * that is not localhost. The app asks before it does that.
 */
export function isPlainHttpBeyondPrivate(hubUrl: string): boolean {
  let url: URL;
  try {
    url = new URL(hubUrl);
  } catch {
    return false;
  }
  if (url.protocol !== 'http:') return false;
  const reach = hostReach(url.hostname);
  return reach === 'public' || reach === 'unspecified';
}
