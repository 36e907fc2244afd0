import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createAppServices } from '../app/app-services';
import type { AppServices } from '../app/app-services';
import type { ServerFrame } from '../../common/api/wire';
import type { TelemetrySample } from '../../common/hardware/gpu';
import { ApiDispatcher } from './api-dispatcher';
import { HeadlessAuth, SESSION_COOKIE, SESSION_MAX_AGE_MS } from './headless-auth';
import { HeadlessServer } from './headless-server';
import { silentLogger } from '../../common/logger';
import { ApiError, isApiErrorShape } from '../../common/api/errors';

// Integration: the real composition root on a temp data dir, the replayed 8× V100
// nvidia-smi first on PATH, the real server on loopback, and real HTTP/WebSocket clients.
const fixturesBin = resolve(__dirname, '../../fixtures/bin');
let dir: string;
let services: AppServices;
let server: HeadlessServer;
let cookie: string;
const savedPath = process.env.PATH;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'idlegrid-headless-'));
  // This machine has the NVIDIA tools only (no rocm-smi): a bin dir with just that replay.
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  symlinkSync(join(fixturesBin, 'nvidia-smi'), join(bin, 'nvidia-smi'));
  process.env.PATH = `${bin}:${savedPath}`;
  const ui = join(dir, 'ui');
  mkdirSync(ui);
  writeFileSync(join(ui, 'index.html'), '<!doctype html><title>Idlegrid</title><div id="root"></div>');
  services = createAppServices({ shell: 'headless', dataDir: join(dir, 'data'), version: '0.0.0-test' });
  server = new HeadlessServer({
    host: '127.0.0.1',
    port: 0,
    staticDir: ui,
    dispatcher: new ApiDispatcher(services.handlers, silentLogger),
    events: services.events,
    auth: HeadlessAuth.loadOrCreate(join(dir, 'token'), false),
  });
  await server.start();
  await services.start();
  const res = await fetch(server.accessUrl, { redirect: 'manual' });
  cookie = (res.headers.get('set-cookie') ?? '').split(';')[0]!;
});

afterAll(async () => {
  await server?.stop();
  await services?.stop();
  process.env.PATH = savedPath;
  rmSync(dir, { recursive: true, force: true });
});

function openSocket(headers: Record<string, string>): Promise<WebSocket> {
  return new Promise((resolveSocket, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api`, { headers });
    ws.once('open', () => resolveSocket(ws));
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
  });
}

const goodHeaders = () => ({ Cookie: cookie, Origin: `http://127.0.0.1:${server.port}` });

function nextFrame(ws: WebSocket, match: (f: ServerFrame) => boolean = () => true): Promise<ServerFrame> {
  return new Promise((resolveFrame) => {
    const onMessage = (raw: WebSocket.RawData) => {
      const frame = JSON.parse(raw.toString()) as ServerFrame;
      if (!match(frame)) return;
      ws.off('message', onMessage);
      resolveFrame(frame);
    };
    ws.on('message', onMessage);
  });
}

async function call(ws: WebSocket, id: number, method: string, params: unknown): Promise<ServerFrame> {
  const reply = nextFrame(ws, (f) => f.type !== 'event' && f.id === id);
  ws.send(JSON.stringify({ type: 'call', id, method, params }));
  return reply;
}

describe('HTTP: token exchange and access', () => {
  it('exchanges the printed token for an HttpOnly SameSite=Strict cookie and drops it from the URL', async () => {
    const res = await fetch(server.accessUrl, { redirect: 'manual' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/');
    const setCookie = res.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/^idlegrid_session=/);
    expect(setCookie).toContain('HttpOnly');
    expect(setCookie).toContain('SameSite=Strict');
  });

  it('serves the UI with a CSP to a signed-in browser', async () => {
    const res = await fetch(`http://127.0.0.1:${server.port}/`, { headers: { Cookie: cookie } });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<div id="root">');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(res.headers.get('x-frame-options')).toBe('DENY');
  });

  it('refuses a request without the cookie, saying how to sign in', async () => {
    const res = await fetch(`http://127.0.0.1:${server.port}/`);
    expect(res.status).toBe(401);
    expect(await res.text()).toContain('?token=');
  });

  it('refuses a wrong token and sets no cookie', async () => {
    const res = await fetch(`http://127.0.0.1:${server.port}/?token=not-the-token`, { redirect: 'manual' });
    expect(res.status).toBe(401);
    expect(res.headers.get('set-cookie')).toBeNull();
  });

  it('refuses a forged cookie', async () => {
    const res = await fetch(`http://127.0.0.1:${server.port}/`, { headers: { Cookie: 'idlegrid_session=1.abc.def' } });
    expect(res.status).toBe(401);
  });

  it('refuses a foreign Host header (DNS rebinding)', async () => {
    const { request } = await import('node:http');
    const status = await new Promise<number>((done) => {
      request({ host: '127.0.0.1', port: server.port, path: '/', headers: { Host: 'evil.example:80', Cookie: cookie } }, (res) => {
        res.resume();
        done(res.statusCode ?? 0);
      }).end();
    });
    expect(status).toBe(421);
  });
});

describe('session cookie expiry', () => {
  // A cookie is signed with the same token by a HeadlessAuth whose clock says when it was issued.
  const cookieIssuedAgo = (ageMs: number) =>
    `${SESSION_COOKIE}=${new HeadlessAuth(readFileSync(join(dir, 'token'), 'utf8').trim(), () => Date.now() - ageMs).issueSessionCookieValue()}`;

  it('accepts a cookie just inside its 30 days, over HTTP and WebSocket', async () => {
    const fresh = cookieIssuedAgo(SESSION_MAX_AGE_MS - 60_000);
    expect((await fetch(`http://127.0.0.1:${server.port}/`, { headers: { Cookie: fresh } })).status).toBe(200);
    const ws = await openSocket({ Cookie: fresh, Origin: `http://127.0.0.1:${server.port}` });
    const reply = await call(ws, 1, 'app:info', {});
    ws.close();
    expect(reply.type).toBe('result');
  });

  it('refuses a cookie past its 30 days: 401 over HTTP, 4401 over WebSocket', async () => {
    const expired = cookieIssuedAgo(SESSION_MAX_AGE_MS + 1_000);
    expect((await fetch(`http://127.0.0.1:${server.port}/`, { headers: { Cookie: expired } })).status).toBe(401);
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api`, { headers: { Cookie: expired, Origin: `http://127.0.0.1:${server.port}` } });
    const [code] = await new Promise<[number, string]>((done) => ws.once('close', (c, r) => done([c, r.toString()])));
    expect(code).toBe(4401);
  });

  it('expires exactly at SESSION_MAX_AGE_MS on the auth\'s own clock', () => {
    let now = 1_000_000;
    const auth = new HeadlessAuth('t'.repeat(43), () => now);
    const value = auth.issueSessionCookieValue();
    now += SESSION_MAX_AGE_MS - 1;
    expect(auth.checkSessionCookieValue(value)).toBe(true);
    now += 1;
    expect(auth.checkSessionCookieValue(value)).toBe(false);
  });
});

describe('WebSocket /api', () => {
  it('refuses a socket with a foreign Host header (DNS rebinding) with 421, even with the cookie and a matching Origin', async () => {
    const { request } = await import('node:http');
    const status = await new Promise<number>((done) => {
      const req = request({
        host: '127.0.0.1',
        port: server.port,
        path: '/api',
        headers: {
          Host: 'evil.example:80',
          Origin: 'http://evil.example:80',
          Cookie: cookie,
          Connection: 'Upgrade',
          Upgrade: 'websocket',
          'Sec-WebSocket-Version': '13',
          'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
        },
      });
      req.on('response', (res) => {
        res.resume();
        done(res.statusCode ?? 0);
      });
      req.on('upgrade', () => done(101));
      req.end();
    });
    expect(status).toBe(421);
  });

  it('refuses a socket from another Origin', async () => {
    await expect(openSocket({ Cookie: cookie, Origin: 'http://evil.example' })).rejects.toThrow('HTTP 403');
    await expect(openSocket({ Cookie: cookie })).rejects.toThrow('HTTP 403');
  });

  it('closes a socket without the session cookie with 4401 and a reason', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api`, { headers: { Origin: `http://127.0.0.1:${server.port}` } });
    const [code, reason] = await new Promise<[number, string]>((done) => ws.once('close', (c, r) => done([c, r.toString()])));
    expect(code).toBe(4401);
    expect(reason).toContain('npm run serve');
  });

  it('answers calls of the contract', async () => {
    const ws = await openSocket(goodHeaders());
    const info = await call(ws, 1, 'app:info', {});
    expect(info).toMatchObject({ type: 'result', id: 1, result: { shell: 'headless', version: '0.0.0-test' } });
    const snapshot = await call(ws, 2, 'hardware:snapshot', {});
    expect(snapshot.type).toBe('result');
    const gpus = (snapshot as { result: { gpus: Array<{ name: string }> } }).result.gpus;
    expect(gpus).toHaveLength(8);
    expect(gpus.every((g) => g.name.includes('V100'))).toBe(true);
    ws.close();
  });

  it("carries a refusal's stable reason next to its code and words, and the client rebuilds it", async () => {
    const ws = await openSocket(goodHeaders());
    const frame = await call(ws, 7, 'worker:job-history', { jobId: 'no-such-job' });
    expect(frame).toEqual({ type: 'error', id: 7, error: { code: 'not_found', message: 'There is no job no-such-job on this machine.', reason: 'job_not_found' } });
    const shape = (frame as { error: unknown }).error;
    expect(isApiErrorShape(shape) && ApiError.fromShape(shape).reason).toBe('job_not_found');
    ws.close();
  });

  it('persists settings through the API and publishes the change', async () => {
    const ws = await openSocket(goodHeaders());
    ws.send(JSON.stringify({ type: 'subscribe', event: 'settings:changed' }));
    const changed = nextFrame(ws, (f) => f.type === 'event' && f.event === 'settings:changed');
    const updated = await call(ws, 1, 'settings:update', { temperatureUnit: 'F' });
    expect(updated).toMatchObject({ type: 'result', result: { temperatureUnit: 'F' } });
    expect(await changed).toMatchObject({ data: { temperatureUnit: 'F' } });
    expect(await call(ws, 2, 'settings:get', {})).toMatchObject({ result: { temperatureUnit: 'F' } });
    ws.close();
  });

  it.each([
    ['wrong param types', { type: 'call', id: 7, method: 'telemetry:recent', params: { seconds: 'ten' } }, 7, 'invalid_params'],
    ['an unknown call', { type: 'call', id: 8, method: 'hub:rm-rf', params: {} }, 8, 'unknown_call'],
    ['a malformed frame', { type: 'launch', id: 9 }, 9, 'invalid_params'],
  ])('rejects %s with a clear error and keeps serving', async (_label, frame, id, code) => {
    const ws = await openSocket(goodHeaders());
    const reply = nextFrame(ws, (f) => f.type === 'error');
    ws.send(JSON.stringify(frame));
    const error = (await reply) as Extract<ServerFrame, { type: 'error' }>;
    expect(error.id).toBe(id);
    expect(error.error.code).toBe(code);
    expect(error.error.message.length).toBeGreaterThan(10);
    expect(await call(ws, 10, 'app:info', {})).toMatchObject({ type: 'result' });
    ws.close();
  });

  it('rejects text that is not JSON', async () => {
    const ws = await openSocket(goodHeaders());
    const reply = nextFrame(ws);
    ws.send('{not json');
    expect(await reply).toMatchObject({ type: 'error', id: null, error: { code: 'invalid_params' } });
    ws.close();
  });

  it('closes a socket that sends an oversized frame, and other sockets carry on', async () => {
    const big = await openSocket(goodHeaders());
    const other = await openSocket(goodHeaders());
    const closed = new Promise<number>((done) => big.once('close', (c) => done(c)));
    big.send(JSON.stringify({ type: 'call', id: 1, method: 'app:info', params: { pad: 'x'.repeat(300_000) } }));
    expect(await closed).toBe(1009);
    expect(await call(other, 1, 'app:info', {})).toMatchObject({ type: 'result' });
    other.close();
  });

  it('streams live telemetry samples from the replayed nvidia-smi to a subscriber', async () => {
    const ws = await openSocket(goodHeaders());
    const samples = nextFrame(ws, (f) => f.type === 'event' && f.event === 'telemetry:samples');
    ws.send(JSON.stringify({ type: 'subscribe', event: 'telemetry:samples' }));
    const frame = (await samples) as Extract<ServerFrame, { type: 'event' }>;
    const batch = frame.data as TelemetrySample[];
    expect(batch).toHaveLength(8);
    expect(batch[0]!.gpuUuid).toMatch(/^GPU-/);
    expect(typeof batch[0]!.temperatureC).toBe('number');
    ws.close();
  });
});
