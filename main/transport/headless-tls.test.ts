import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { request } from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { ApiEventMap } from '../../common/api/contract';
import { EventBus } from '../../common/event-bus';
import { silentLogger } from '../../common/logger';
import { ApiDispatcher } from './api-dispatcher';
import type { ApiHandlers } from './api-handlers';
import { HeadlessAuth } from './headless-auth';
import { HeadlessServer } from './headless-server';
import { makeSelfSignedCertificate } from './self-signed-certificate';
import { loadOrMakeSelfSigned } from './headless-tls';
import { parseHeadlessArgs } from '../headless/headless-args';

// Issue 14 item 7: the headless transport over TLS on loopback, with a certificate made
// the way `--self-signed` makes it, and clients that trust only that certificate.
let dir: string;
let server: HeadlessServer;
let auth: HeadlessAuth;
const certificate = makeSelfSignedCertificate(['127.0.0.1', 'localhost']);

function makeServer(options: Partial<ConstructorParameters<typeof HeadlessServer>[0]> = {}): HeadlessServer {
  return new HeadlessServer({
    host: '127.0.0.1',
    port: 0,
    staticDir: join(dir, 'ui'),
    dispatcher: new ApiDispatcher({ 'app:info': async () => ({ shell: 'headless', version: '0.0.0-test' }) } as unknown as ApiHandlers, silentLogger),
    events: new EventBus<ApiEventMap>(() => undefined),
    auth,
    tls: { cert: certificate.cert, key: certificate.key },
    ...options,
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'idlegrid-headless-tls-'));
  mkdirSync(join(dir, 'ui'));
  writeFileSync(join(dir, 'ui', 'index.html'), '<!doctype html><title>Idlegrid</title>');
  auth = HeadlessAuth.loadOrCreate(join(dir, 'token'), false);
  server = makeServer({ allowedHosts: ['rig.example'] });
  await server.start();
});

afterAll(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  fingerprint256: string;
}

/** A GET over TLS that trusts only the test's certificate, from a chosen loopback address. */
function get(path: string, headers: Record<string, string> = {}, localAddress = '127.0.0.1'): Promise<Reply> {
  return new Promise((resolve, reject) => {
    // A Host header of another name makes Node check the certificate against that name;
    // the chain is still checked against the pinned certificate.
    const nameCheck = headers.Host ? { checkServerIdentity: () => undefined } : {};
    const req = request({ host: '127.0.0.1', port: server.port, path, headers, ca: certificate.cert, localAddress, agent: false, ...nameCheck }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, fingerprint256: (res.socket as TLSSocket).getPeerCertificate().fingerprint256 }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('headless over TLS (issue 14 item 7)', () => {
  it('serves HTTPS with the generated certificate, whose fingerprint is the one printed', async () => {
    expect(server.accessUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/\?token=/);
    const reply = await get('/');
    expect(reply.status).toBe(401);
    expect(reply.fingerprint256).toBe(certificate.fingerprint256);
  });

  it('exchanges the token for a Secure, HttpOnly, SameSite=Strict cookie', async () => {
    const reply = await get(`/?token=${auth.token}`);
    expect(reply.status).toBe(303);
    const cookie = String(reply.headers['set-cookie']);
    expect(cookie).toContain('Secure');
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
  });

  it('never redirects off the server after sign-in (no open redirect)', async () => {
    for (const path of [`/.//evil.example/x?token=${auth.token}`, `/x/..//evil.example?token=${auth.token}`, `//evil.example/?token=${auth.token}`]) {
      const reply = await get(path);
      expect(reply.status).toBe(303);
      const location = String(reply.headers.location);
      expect(location.startsWith('/')).toBe(true);
      expect(location.startsWith('//')).toBe(false);
      expect(location).not.toContain('\\');
    }
  });

  it('answers only host names on its allow-list', async () => {
    expect((await get('/', { Host: `rig.example:${server.port}` })).status).toBe(401); // allowed: asks for the link
    expect((await get('/', { Host: `evil.example:${server.port}` })).status).toBe(421);
  });

  it('throttles token guesses per address; other addresses and the right token elsewhere still work', async () => {
    let throttled = 0;
    for (let i = 0; i < 15; i++) {
      const reply = await get(`/?token=guess-${i}-${'x'.repeat(40)}`, {}, '127.0.0.3');
      if (reply.status === 429) throttled++;
      else expect(reply.status).toBe(401);
    }
    expect(throttled).toBeGreaterThanOrEqual(5);
    // Locked out for a while, even with the right token, from that address…
    expect((await get(`/?token=${auth.token}`, {}, '127.0.0.3')).status).toBe(429);
    // …but not from another.
    expect((await get(`/?token=${auth.token}`, {}, '127.0.0.4')).status).toBe(303);
  });

  it('takes the API WebSocket over WSS with the https Origin', async () => {
    const signedIn = await get(`/?token=${auth.token}`);
    const cookie = String(signedIn.headers['set-cookie']).split(';')[0]!;
    const ws = new WebSocket(`wss://127.0.0.1:${server.port}/api`, { ca: certificate.cert, headers: { Cookie: cookie, Origin: `https://127.0.0.1:${server.port}` } });
    const reply = await new Promise<Record<string, unknown>>((resolve, reject) => {
      ws.once('open', () => ws.send(JSON.stringify({ type: 'call', id: 1, method: 'app:info', params: {} })));
      ws.once('message', (data) => resolve(JSON.parse(String(data)) as Record<string, unknown>));
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    });
    expect(reply).toMatchObject({ type: 'result', id: 1 });
    ws.terminate();
  });

  it('--self-signed keeps its certificate (key 0600) and makes a new one when the names change', () => {
    const dataDir = join(dir, 'data');
    const first = loadOrMakeSelfSigned(dataDir, ['127.0.0.1', 'localhost']);
    expect(first.made).toBe(true);
    expect(statSync(join(dataDir, 'headless-tls', 'key.pem')).mode & 0o777).toBe(0o600);
    expect(statSync(join(dataDir, 'headless-tls')).mode & 0o777).toBe(0o700);
    const again = loadOrMakeSelfSigned(dataDir, ['127.0.0.1', 'localhost']);
    expect(again).toMatchObject({ made: false, fingerprint256: first.fingerprint256 });
    const renamed = loadOrMakeSelfSigned(dataDir, ['127.0.0.1', 'rig.example']);
    expect(renamed.made).toBe(true);
    expect(renamed.fingerprint256).not.toBe(first.fingerprint256);
    expect(new X509Certificate(renamed.cert).checkHost('rig.example')).toBe('rig.example');
  });

  it('parses the TLS and host options, and refuses half of a pair', () => {
    const parsed = parseHeadlessArgs(['--host', '0.0.0.0', '--self-signed', '--allowed-host', 'rig.lan', '--allowed-host', 'rig.example']);
    expect(parsed.ok && parsed.args).toMatchObject({ selfSigned: true, allowedHosts: ['rig.lan', 'rig.example'], tlsCert: null });
    expect(parseHeadlessArgs(['--tls-cert', 'c.pem'])).toMatchObject({ ok: false });
    expect(parseHeadlessArgs(['--allowed-host', 'rig.lan:443'])).toMatchObject({ ok: false });
  });

  it('refuses to listen beyond loopback without TLS', async () => {
    const plain = makeServer({ host: '198.18.0.1', tls: undefined });
    await expect(plain.start()).rejects.toThrow(/TLS|--self-signed/);
  });
});
