import { request } from 'node:http';
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HUB_HTTP } from '../../common/hub/http-api';
import { HubHttpClient } from '../../hub-client/hub-http-client';
import { createTestWallet } from '../testing/test-wallet';
import { startTestHub } from '../testing/test-hub';
import type { TestHub } from '../testing/test-hub';

// Issue 14 item 9: one address must not hold hundreds of idle sockets, and many
// addresses must not flush the challenge table. Everything here is on loopback; the
// 127.0.0.x source addresses are all routed to `lo` on Linux.
const HELLO_TIMEOUT_MS = 4_000;
const SOCKET_CAP = 40;
const CHALLENGE_CAP = 4;
let hub: TestHub;
const opened: Socket[] = [];

beforeAll(async () => {
  hub = await startTestHub({
    timing: { helloTimeoutMs: HELLO_TIMEOUT_MS },
    limits: { maxSocketsPerAddress: SOCKET_CAP, maxChallengesPerAddress: CHALLENGE_CAP, maxPendingChallenges: 20 },
  });
});
afterAll(async () => {
  for (const s of opened) s.destroy();
  await hub.stop();
});

/** A raw TCP socket that connects and then says nothing; resolves once connected. */
function idleSocket(localAddress = '127.0.0.1'): Promise<{ socket: Socket; closed: () => boolean }> {
  return new Promise((resolve, reject) => {
    let isClosed = false;
    const socket = connect({ host: '127.0.0.1', port: hub.port, localAddress });
    opened.push(socket);
    socket.on('close', () => (isClosed = true));
    socket.once('connect', () => resolve({ socket, closed: () => isClosed }));
    socket.once('error', (error) => (isClosed ? undefined : socket.connecting ? reject(error) : undefined));
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitUntil(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (check()) return true;
    await sleep(50);
  }
  return check();
}

/** POST a challenge request from a chosen loopback source address; returns status and body. */
function challengeFrom(localAddress: string, address: string): Promise<{ status: number; body: { error?: { code: string; reason?: string }; challenge?: { nonce: string }; message?: string } }> {
  const body = JSON.stringify({ address });
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: hub.port, localAddress, method: 'POST', path: HUB_HTTP.challenge, agent: false, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
      },
    );
    req.once('error', reject);
    req.end(body);
  });
}

describe('hub connection caps (issue 14 item 9)', () => {
  it('holds at most the per-address cap of sockets from one address; 200 idle sockets do not all stay', async () => {
    const sockets: Array<{ socket: Socket; closed: () => boolean } | null> = [];
    for (let i = 0; i < 200; i++) sockets.push(await idleSocket().catch(() => null));
    const openNow = () => sockets.filter((s) => s && !s.closed()).length;
    // The extra sockets are closed at once (well before the hello timeout).
    await waitUntil(() => openNow() <= SOCKET_CAP, 1_500);
    const open = openNow();
    expect(open).toBeLessThanOrEqual(SOCKET_CAP);
    expect(open).toBeGreaterThan(0);
    // Another address is not affected by this one's sockets.
    const info = await new Promise<number>((resolve, reject) => {
      request({ host: '127.0.0.1', port: hub.port, localAddress: '127.0.0.2', path: HUB_HTTP.info, agent: false }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      })
        .once('error', reject)
        .end();
    });
    expect(info).toBe(200);
    // Idle sockets (no request, no upgrade) are closed after the hello timeout.
    expect(await waitUntil(() => sockets.every((s) => !s || s.closed()), HELLO_TIMEOUT_MS * 4)).toBe(true);
  });

  it('caps outstanding challenges per address, and many addresses cannot flush a waiting sign-in', async () => {
    const victim = createTestWallet();
    const client = new HubHttpClient({ baseUrl: hub.url });
    const pending = await client.requestChallenge(victim.address);

    const wallet = createTestWallet();
    const refusedPerAddress: number[] = [];
    for (let a = 2; a <= 9; a++) {
      let refused = 0;
      for (let i = 0; i < 10; i++) {
        const reply = await challengeFrom(`127.0.0.${a}`, wallet.address);
        if (reply.status !== 200) {
          expect(reply.body.error?.code).toBe('rate_limited');
          refused++;
        }
      }
      refusedPerAddress.push(refused);
    }
    // Each address got at most its cap; the rest were refused with a reason.
    expect(refusedPerAddress.every((n) => n >= 10 - CHALLENGE_CAP)).toBe(true);
    const oneAddress = await challengeFrom('127.0.0.2', wallet.address);
    expect(oneAddress.body.error?.reason).toBe('too_many_challenges');

    // The victim's challenge, issued before the flood, still signs in.
    const signature = await victim.signMessage(new TextEncoder().encode(pending.message));
    const { getBase58Decoder } = await import('@solana/kit');
    const session = await client.createSession({ address: victim.address, nonce: pending.challenge.nonce, signature: getBase58Decoder().decode(signature) });
    expect(session.address).toBe(victim.address);
  });
});
