import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import type { Duplex } from 'node:stream';
import { parse as parseCookie, serialize as serializeCookie } from 'cookie';
import sirv from 'sirv';
import { WebSocketServer } from 'ws';
import type { WebSocket } from 'ws';
import type { EventBus } from '../../common/event-bus';
import type { ApiEventMap } from '../../common/api/contract';
import { isApiEventName } from '../../common/api/contract';
import { API_WS_PATH, MAX_FRAME_BYTES, WS_CLOSE_UNAUTHORIZED, clientFrameSchema } from '../../common/api/wire';
import type { ServerFrame } from '../../common/api/wire';
import type { ApiDispatcher } from './api-dispatcher';
import { SESSION_COOKIE, SESSION_MAX_AGE_MS } from './headless-auth';
import type { HeadlessAuth } from './headless-auth';
import { hostReach } from '../../common/hub/hub-url';
import { TokenGuessThrottle } from './token-guess-throttle';

/** A client this far behind on events is slow or gone: drop its events, not our memory. */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export interface HeadlessServerDeps {
  host: string;
  port: number;
  /** The built renderer (index.html and assets); null serves the API only (tests). */
  staticDir: string | null;
  dispatcher: ApiDispatcher;
  events: EventBus<ApiEventMap>;
  auth: HeadlessAuth;
  /** PEM certificate and key: HTTPS and WSS. Required to listen beyond loopback. */
  tls?: { cert: string | Buffer; key: string | Buffer } | undefined;
  /** Host names (or addresses) browsers may use besides loopback and the bound address, e.g. the rig's DNS name. */
  allowedHosts?: string[];
  /** Wrong access tokens tolerated per remote address in `windowMs` before it is refused for the rest of the window. */
  tokenGuesses?: { maxFailures: number; windowMs: number };
}

/**
 * The headless transport: the built React UI over HTTP and the API contract over one
 * WebSocket at /api, bound to loopback by default. Every request needs the session
 * cookie (got by opening the printed `?token=` URL); the WebSocket also checks Origin,
 * and the Host header is checked against the bound address so a DNS-rebinding page
 * cannot talk to it.
 */
export class HeadlessServer {
  private server: Server | null = null;
  private wss: WebSocketServer | null = null;
  private boundPort = 0;
  private readonly serveStatic: ((req: IncomingMessage, res: ServerResponse, next: () => void) => void) | null;
  private readonly guesses: TokenGuessThrottle;

  constructor(private readonly options: HeadlessServerDeps) {
    this.guesses = new TokenGuessThrottle(options.tokenGuesses ?? { maxFailures: 10, windowMs: 15 * 60_000 });
    this.serveStatic = options.staticDir
      ? sirv(options.staticDir, { single: true, etag: true, dev: false, gzip: false, brotli: false })
      : null;
  }

  get port(): number {
    return this.boundPort;
  }

  /** The URL to print: opening it signs the browser in. */
  get accessUrl(): string {
    return `${this.origin}/?token=${encodeURIComponent(this.options.auth.token)}`;
  }

  get origin(): string {
    const host = this.options.host.includes(':') ? `[${this.options.host}]` : this.options.host;
    return `${this.scheme}://${host}:${this.boundPort}`;
  }

  private get scheme(): 'http' | 'https' {
    return this.options.tls ? 'https' : 'http';
  }

  async start(): Promise<void> {
    // Beyond loopback the token, the cookie and every API frame would otherwise cross the
    // network in clear: refuse, saying how to get TLS.
    if (hostReach(this.options.host) !== 'loopback' && !this.options.tls) {
      throw new Error(
        `Listening on ${this.options.host} exposes this machine's Idlegrid to the network, so it needs TLS: add --self-signed (a certificate is made and its fingerprint printed) or --tls-cert FILE --tls-key FILE. Or keep the default 127.0.0.1 and use an SSH tunnel.`,
      );
    }
    const handler = (req: IncomingMessage, res: ServerResponse) => this.handleHttp(req, res);
    const server: Server = this.options.tls ? createTlsServer({ cert: this.options.tls.cert, key: this.options.tls.key, minVersion: 'TLSv1.2' }, handler) : createServer(handler);
    const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
    server.on('upgrade', (req, socket, head) => this.handleUpgrade(wss, req, socket, head));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port, this.options.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    this.wss = wss;
    this.boundPort = (server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    for (const client of this.wss?.clients ?? []) client.terminate();
    this.wss?.close();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server = null;
    this.wss = null;
  }

  /**
   * The Host headers answered (a DNS-rebinding page sends its own name): loopback names,
   * the bound address, the names given with --allowed-host and, when bound to every
   * address, this machine's interface addresses. Always checked, whatever the bind.
   */
  private allowedHosts(): Set<string> {
    if (this.hostAllowList && this.hostAllowListPort === this.boundPort) return this.hostAllowList;
    const port = this.boundPort;
    const names = new Set(['127.0.0.1', 'localhost', '[::1]', ...(this.options.allowedHosts ?? [])]);
    if (hostReach(this.options.host) === 'unspecified') {
      for (const addresses of Object.values(networkInterfaces())) {
        for (const a of addresses ?? []) names.add(a.family === 'IPv6' ? `[${a.address.split('%')[0]}]` : a.address);
      }
    } else {
      names.add(this.options.host.includes(':') ? `[${this.options.host}]` : this.options.host);
    }
    const hosts = new Set<string>();
    for (const name of names) {
      hosts.add(`${name.toLowerCase()}:${port}`);
      if (port === (this.options.tls ? 443 : 80)) hosts.add(name.toLowerCase());
    }
    this.hostAllowList = hosts;
    this.hostAllowListPort = port;
    return hosts;
  }

  private hostAllowList: Set<string> | null = null;
  private hostAllowListPort = -1;

  private hostAllowed(host: string | undefined): boolean {
    return host !== undefined && this.allowedHosts().has(host.toLowerCase());
  }

  private handleHttp(req: IncomingMessage, res: ServerResponse): void {
    setSecurityHeaders(res);
    if (!this.hostAllowed(req.headers.host)) {
      return sendText(res, 421, `This Idlegrid server answers only on ${this.origin}.`);
    }
    const url = new URL(req.url ?? '/', this.origin);
    const token = url.searchParams.get('token');
    if (token !== null) {
      const address = req.socket.remoteAddress ?? 'unknown';
      const waitMs = this.guesses.lockedForMs(address);
      if (waitMs > 0) {
        res.setHeader('Retry-After', String(Math.ceil(waitMs / 1000)));
        return sendPage(res, 429, 'Too many wrong access links', `Your address tried too many wrong access links. Wait ${Math.ceil(waitMs / 60_000)} minute(s), then open the exact URL that <code>npm run serve</code> printed.`);
      }
      if (!this.options.auth.checkToken(token)) {
        this.guesses.failed(address);
        return sendPage(res, 401, 'This access link is not valid', 'The token in the link does not match this Idlegrid server. Open the exact URL that <code>npm run serve</code> printed; if the server was started with <code>--new-token</code>, the old link no longer works.');
      }
      // Exchange the token for a cookie, then drop it from the address bar and history.
      url.searchParams.delete('token');
      res.setHeader(
        'Set-Cookie',
        serializeCookie(SESSION_COOKIE, this.options.auth.issueSessionCookieValue(), {
          httpOnly: true,
          sameSite: 'strict',
          // Over TLS the browser must never send it in clear (a plain-http page on the same host).
          secure: this.options.tls !== undefined,
          path: '/',
          maxAge: Math.floor(SESSION_MAX_AGE_MS / 1000),
        }),
      );
      res.statusCode = 303;
      res.setHeader('Location', localRedirect(url));
      return void res.end();
    }
    if (!this.hasSession(req)) {
      return sendPage(res, 401, 'Sign in with the access link', 'This Idlegrid server needs its access link. Open the URL that <code>npm run serve</code> printed (it ends with <code>?token=…</code>); it is also in the server\'s log.');
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return sendText(res, 405, 'Only GET is served here; the API is the WebSocket at /api.');
    }
    if (!this.serveStatic) return sendText(res, 404, 'No UI is bundled with this server (API only).');
    this.serveStatic(req, res, () => sendText(res, 404, 'Not found'));
  }

  private hasSession(req: IncomingMessage): boolean {
    const cookies = parseCookie(req.headers.cookie ?? '');
    return this.options.auth.checkSessionCookieValue(cookies[SESSION_COOKIE]);
  }

  private handleUpgrade(wss: WebSocketServer, req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', this.origin);
    if (url.pathname !== API_WS_PATH) return rejectUpgrade(socket, 404, 'Not Found');
    if (!this.hostAllowed(req.headers.host)) return rejectUpgrade(socket, 421, 'Misdirected Request');
    // A page from any other origin must not drive this API with the user's cookie.
    const origin = req.headers.origin;
    if (!origin || origin !== `${this.scheme}://${req.headers.host}`) return rejectUpgrade(socket, 403, 'Forbidden');
    const authorized = this.hasSession(req);
    wss.handleUpgrade(req, socket, head, (ws) => {
      if (!authorized) {
        // Accept, then close with a code the UI turns into "open the access link again".
        ws.close(WS_CLOSE_UNAUTHORIZED, 'Not signed in: open the URL printed by npm run serve');
        return;
      }
      this.serveSocket(ws);
    });
  }

  private serveSocket(ws: WebSocket): void {
    const subscriptions = new Map<string, () => void>();
    const send = (frame: ServerFrame): void => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(frame));
    };
    ws.on('message', (raw, isBinary) => {
      if (isBinary) return send(errorFrame(null, 'invalid_params', 'Frames must be JSON text.'));
      let json: unknown;
      try {
        json = JSON.parse(raw.toString());
      } catch {
        return send(errorFrame(null, 'invalid_params', 'Frames must be JSON: {type:"call", id, method, params}.'));
      }
      const parsed = clientFrameSchema.safeParse(json);
      if (!parsed.success) {
        const id = typeof (json as { id?: unknown })?.id === 'number' ? (json as { id: number }).id : null;
        return send(errorFrame(id, 'invalid_params', 'Unknown frame: expected {type:"call", id, method, params}, or {type:"subscribe"|"unsubscribe", event}.'));
      }
      const frame = parsed.data;
      if (frame.type === 'call') {
        void this.options.dispatcher.dispatch(frame.method, frame.params).then((outcome) => {
          send(outcome.ok ? { type: 'result', id: frame.id, result: outcome.result } : { type: 'error', id: frame.id, error: outcome.error });
        });
        return;
      }
      if (!isApiEventName(frame.event)) {
        return send(errorFrame(null, 'unknown_call', `Unknown event "${frame.event.slice(0, 100)}".`));
      }
      if (frame.type === 'subscribe' && !subscriptions.has(frame.event)) {
        const event = frame.event;
        subscriptions.set(
          event,
          this.options.events.on(event, (data) => {
            if (ws.bufferedAmount > MAX_BUFFERED_BYTES) return;
            send({ type: 'event', event, data });
          }),
        );
      } else if (frame.type === 'unsubscribe') {
        subscriptions.get(frame.event)?.();
        subscriptions.delete(frame.event);
      }
    });
    ws.on('close', () => {
      for (const off of subscriptions.values()) off();
      subscriptions.clear();
    });
    ws.on('error', () => ws.terminate());
  }
}

/**
 * Where to send the browser after the token is exchanged: the same path on this server,
 * never elsewhere. A path that starts with two slashes or a backslash (after the URL
 * parser removed dot segments, e.g. "/.//evil.example") would be read by the browser as
 * another host, so it becomes "/".
 */
function localRedirect(url: URL): string {
  const path = url.pathname;
  if (!path.startsWith('/') || path.startsWith('//') || path.includes('\\')) return `/${url.search}`;
  return `${path}${url.search}`;
}

function errorFrame(id: number | null, code: 'invalid_params' | 'unknown_call', message: string): ServerFrame {
  return { type: 'error', id, error: { code, message } };
}

function setSecurityHeaders(res: ServerResponse): void {
  res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Cache-Control', 'no-store');
}

function sendText(res: ServerResponse, status: number, text: string): void {
  res.statusCode = status;
  res.setHeader('Content-Type', 'text/plain; charset=utf-8');
  res.end(`${text}\n`);
}

function sendPage(res: ServerResponse, status: number, title: string, bodyHtml: string): void {
  res.statusCode = status;
  res.setHeader('Content-Type', 'text/html; charset=utf-8');
  res.end(
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Idlegrid — ${title}</title>` +
      `<style>body{font:16px system-ui,sans-serif;background:#0f1115;color:#e6e8ee;display:grid;place-items:center;min-height:100vh;margin:0}` +
      `main{max-width:34rem;padding:2rem;border:1px solid #2a2f3a;border-radius:12px;background:#161a22}code{background:#222836;padding:.1em .3em;border-radius:4px}</style>` +
      `</head><body><main><h1>${title}</h1><p>${bodyHtml}</p></main></body></html>`,
  );
}

function rejectUpgrade(socket: Duplex, status: number, reason: string): void {
  socket.write(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  socket.destroy();
}
