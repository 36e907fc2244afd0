import { Agent, request } from 'node:https';
import type { AgentOptions } from 'node:https';
import { connect } from 'node:tls';
import type { ConnectionOptions, TLSSocket } from 'node:tls';
import type { Duplex } from 'node:stream';
import { ApiError } from '../../common/api/errors';
import type { HubCertificate } from '../../common/market/hub-certificate';
import { normaliseFingerprint } from '../../common/market/hub-certificate';

/**
 * Certificate pinning for private-grid hubs with a self-signed certificate (issue 14).
 * The user is shown the hub's SHA-256 fingerprint (`certificateOf`), compares it with
 * the one the hub printed, and accepts it; from then on every connection to that origin
 * (HTTP calls and both WebSockets) goes through `pinnedAgent`, which completes the TLS
 * handshake, compares the certificate with the pin **before any byte of the request is
 * written** (so a session token never reaches an impostor), and refuses any other
 * certificate — a CA-signed one included — with a clear error.
 */

const PROBE_TIMEOUT_MS = 10_000;

/** What the hub at `hubUrl` presents, whoever signed it (nothing is sent but the handshake). */
export function certificateOf(hubUrl: string, timeoutMs = PROBE_TIMEOUT_MS): Promise<HubCertificate> {
  const url = new URL(hubUrl);
  if (url.protocol !== 'https:') {
    return Promise.reject(new ApiError('invalid_params', 'Only an https:// hub has a certificate to check.', 'hub_not_https'));
  }
  return new Promise<HubCertificate>((resolve, reject) => {
    const socket = connect({
      host: url.hostname.replace(/^\[|\]$/g, ''),
      port: Number(url.port || 443),
      servername: isIpLiteral(url.hostname) ? undefined : url.hostname,
      rejectUnauthorized: false,
    });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new ApiError('unavailable', `The hub at ${url.origin} did not complete a TLS handshake within ${Math.round(timeoutMs / 1000)} s.`, 'hub_unreachable'));
    }, timeoutMs);
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      const cert = socket.getPeerCertificate();
      socket.end();
      if (!cert || !cert.fingerprint256) {
        reject(new ApiError('unavailable', `The hub at ${url.origin} presented no certificate.`, 'hub_no_certificate'));
        return;
      }
      resolve({
        origin: url.origin,
        fingerprintSha256: cert.fingerprint256,
        subject: [cert.subject?.CN ?? ''].flat().join(', '),
        issuer: [cert.issuer?.CN ?? ''].flat().join(', '),
        validToMs: Date.parse(cert.valid_to),
        // Whether the system's CAs vouch for it for this name: then no pin is needed.
        trustedBySystem: socket.authorized,
        selfSigned: JSON.stringify(cert.subject) === JSON.stringify(cert.issuer),
      });
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(new ApiError('unavailable', `Could not reach the hub at ${url.origin}: ${error.message}`, 'hub_unreachable'));
    });
  });
}

function isIpLiteral(host: string): boolean {
  return /^[\d.]+$/.test(host) || host.includes(':') || host.startsWith('[');
}

/** The error a connection to a pinned hub fails with when the hub shows another certificate. */
export function pinMismatchMessage(origin: string, expected: string, got: string): string {
  return (
    `The hub at ${origin} presented a different certificate than the one you accepted ` +
    `(expected SHA-256 ${expected}, got ${got}). Someone may be intercepting the connection, or the hub's certificate was replaced. ` +
    'Nothing was sent. If the hub operator confirms the new fingerprint, accept it again in Settings.'
  );
}

/**
 * An https agent whose connections succeed only when the server's certificate has the
 * pinned SHA-256 fingerprint. The chain is not checked against the system's CAs (a
 * self-signed certificate has none); the exact certificate is.
 */
export class PinnedAgent extends Agent {
  constructor(
    readonly origin: string,
    readonly fingerprintSha256: string,
    options: AgentOptions = {},
  ) {
    super({ ...options, keepAlive: false });
  }

  override createConnection(options: ConnectionOptions, callback?: (error: Error | null, socket: Duplex) => void): Duplex {
    const socket: TLSSocket = connect({ ...options, rejectUnauthorized: false });
    // Node's agent waits for the callback when one is given: the socket is handed over
    // (and the request written to it) only once the certificate matched.
    let settled = false;
    const settle = (error: Error | null) => {
      if (settled) return;
      settled = true;
      if (error) socket.destroy();
      callback?.(error, socket);
    };
    socket.once('secureConnect', () => {
      const got = socket.getPeerCertificate()?.fingerprint256 ?? '(none)';
      if (normaliseFingerprint(got) === normaliseFingerprint(this.fingerprintSha256)) settle(null);
      else settle(new PinMismatchError(pinMismatchMessage(this.origin, this.fingerprintSha256, got)));
    });
    socket.once('error', (error) => settle(error));
    return undefined as unknown as Duplex;
  }
}

export class PinMismatchError extends Error {
  readonly code = 'hub_certificate_mismatch';
}

/** `fetch` over node:https with `agent`: what HubHttpClient needs (string bodies, status and body back). */
export function agentFetch(agent: Agent): typeof fetch {
  return (async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
    const body = typeof init?.body === 'string' ? init.body : undefined;
    const headers: Record<string, string> = {};
    new Headers(init?.headers).forEach((value, key) => (headers[key] = value));
    if (body) headers['content-length'] = String(Buffer.byteLength(body));
    return new Promise<Response>((resolve, reject) => {
      const req = request(
        { protocol: 'https:', host: url.hostname.replace(/^\[|\]$/g, ''), port: url.port || 443, path: `${url.pathname}${url.search}`, method: init?.method ?? 'GET', headers, agent },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const responseHeaders = new Headers();
            for (const [key, value] of Object.entries(res.headers)) if (typeof value === 'string') responseHeaders.set(key, value);
            resolve(new Response(chunks.length > 0 ? Buffer.concat(chunks) : null, { status: res.statusCode ?? 0, headers: responseHeaders }));
          });
          res.on('error', reject);
        },
      );
      init?.signal?.addEventListener('abort', () => req.destroy(new Error('aborted')), { once: true });
      req.on('error', reject);
      req.end(body);
    });
  }) as typeof fetch;
}

/** How the app reaches one hub origin: through a pin when the user accepted its certificate. */
export interface HubTransport {
  fetch?: typeof fetch;
  /** For the `ws` WebSockets (worker and renter feed). */
  agent?: Agent;
}

/** Transports by origin, from the pins in Settings (`pinnedHubCertificates`). */
export class HubTls {
  private readonly agents = new Map<string, PinnedAgent>();

  constructor(private readonly pins: () => Readonly<Record<string, string>>) {}

  transport(hubUrl: string): HubTransport {
    let origin: string;
    try {
      const url = new URL(hubUrl);
      if (url.protocol !== 'https:') return {};
      origin = url.origin;
    } catch {
      return {};
    }
    const pin = this.pins()[origin];
    if (!pin) return {};
    let agent = this.agents.get(origin);
    if (!agent || agent.fingerprintSha256 !== pin) {
      agent?.destroy();
      agent = new PinnedAgent(origin, pin);
      this.agents.set(origin, agent);
    }
    return { agent, fetch: agentFetch(agent) };
  }

  dispose(): void {
    for (const agent of this.agents.values()) agent.destroy();
    this.agents.clear();
  }
}

const UNTRUSTED_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_HAS_EXPIRED',
]);

/**
 * A failure to reach an https hub because of its certificate, in words that say what to
 * do (null for any other failure): an untrusted (self-signed) certificate, or one that is
 * not the certificate the user pinned.
 */
export function hubTlsError(hubUrl: string, error: unknown): ApiError | null {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof PinMismatchError) return new ApiError('unavailable', e.message, 'hub_certificate_mismatch');
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && UNTRUSTED_CODES.has(code)) {
      return new ApiError(
        'unavailable',
        `The hub at ${new URL(hubUrl).origin} has a certificate this computer does not trust (${code}), e.g. a self-signed one. ` +
          "Check its fingerprint in Settings against the one the hub's operator gives you, and accept it to connect.",
        'hub_certificate_untrusted',
      );
    }
  }
  return null;
}
