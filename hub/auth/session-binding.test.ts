import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { getBase58Decoder } from '@solana/kit';
import { HUB_PROTOCOL_VERSION, HUB_RENTER_WS_PATH, HUB_WORKER_WS_PATH } from '../../common/hub/hub-protocol';
import { HubHttpClient } from '../../hub-client/hub-http-client';
import { RawSocket } from '../testing/raw-socket';
import { refusal } from '../testing/refusal';
import { startTestHub } from '../testing/test-hub';
import type { TestHub } from '../testing/test-hub';
import { createTestWallet } from '../testing/test-wallet';
import type { TestWallet } from '../testing/test-wallet';
import { makeTestCertificate, pinnedFetch } from '../testing/tls-fixture';

// Issue 14 item 1, on the hub's side: sessions carry an audience and can be revoked;
// challenges name the hub's public origin; TLS when the hub is given a certificate.
const base58 = getBase58Decoder();
let hub: TestHub;

beforeAll(async () => {
  hub = await startTestHub();
});
afterAll(async () => {
  await hub.stop();
});

/** Signs in by hand (challenge, signature, session) with the audience asked for. */
async function session(client: HubHttpClient, wallet: TestWallet, audience: 'renter' | 'worker'): Promise<string> {
  const { challenge, message } = await client.requestChallenge(wallet.address, audience);
  const signature = base58.decode(await wallet.signMessage(new TextEncoder().encode(message)));
  const created = await client.createSession({ address: wallet.address, nonce: challenge.nonce, signature });
  client.token = created.token;
  return created.token;
}

function workerHello(token: string) {
  return { type: 'hello', protocolVersion: HUB_PROTOCOL_VERSION, token, machineId: 'machine-binding-1', hardware: { gpus: [] }, region: 'eu-west' };
}

describe('session audience', () => {
  it('a worker-audience session cannot act as the renter (list, quote or follow leases)', async () => {
    const wallet = createTestWallet();
    const client = new HubHttpClient({ baseUrl: hub.url });
    const token = await session(client, wallet, 'worker');
    const listed = await refusal(client.leases());
    expect(listed.code).toBe('forbidden');
    expect(listed.reason).toBe('session_wrong_audience');
    expect((await refusal(client.quote({ gpus: 1 } as never))).reason).toBe('session_wrong_audience');
    const renterSocket = await RawSocket.open(hub.url, HUB_RENTER_WS_PATH);
    renterSocket.send({ type: 'hello', protocolVersion: HUB_PROTOCOL_VERSION, token });
    expect(await renterSocket.next((m) => m.type === 'error')).toMatchObject({ code: 'unauthenticated', reason: 'session_wrong_audience' });
    expect((await renterSocket.waitClosed()).code).toBe(4401);
    // …while the same session does open the worker socket.
    const workerSocket = await RawSocket.open(hub.url, HUB_WORKER_WS_PATH);
    workerSocket.send(workerHello(token));
    expect(await workerSocket.next((m) => m.type === 'welcome' || m.type === 'error')).toMatchObject({ type: 'welcome' });
    workerSocket.close();
  });

  it('a renter-audience session cannot open a worker socket', async () => {
    const wallet = createTestWallet();
    const client = new HubHttpClient({ baseUrl: hub.url });
    const token = await session(client, wallet, 'renter');
    expect(await client.leases()).toEqual([]);
    const socket = await RawSocket.open(hub.url, HUB_WORKER_WS_PATH);
    socket.send(workerHello(token));
    expect(await socket.next((m) => m.type === 'error')).toMatchObject({ code: 'unauthenticated', reason: 'session_wrong_audience' });
    expect((await socket.waitClosed()).code).toBe(4401);
  });

  it('the challenge text states the audience the wallet signs for', async () => {
    const wallet = createTestWallet();
    const { message } = await new HubHttpClient({ baseUrl: hub.url }).requestChallenge(wallet.address, 'worker');
    expect(message).toContain('Audience: worker');
    expect(message).toContain(`Domain: ${hub.origin}`);
  });
});

describe('sign-out', () => {
  it('revokes the token: HTTP calls are refused and the open renter socket is closed', async () => {
    const wallet = createTestWallet();
    const client = new HubHttpClient({ baseUrl: hub.url });
    const token = await session(client, wallet, 'renter');
    const socket = await RawSocket.open(hub.url, HUB_RENTER_WS_PATH);
    socket.send({ type: 'hello', protocolVersion: HUB_PROTOCOL_VERSION, token });
    await socket.next((m) => m.type === 'welcome');
    await client.signOut();
    expect((await socket.waitClosed()).code).toBe(4401);
    const after = new HubHttpClient({ baseUrl: hub.url, token });
    expect((await refusal(after.leases())).code).toBe('unauthenticated');
  });

  it('revokes a worker session too, closing its machine socket', async () => {
    const wallet = createTestWallet();
    const client = new HubHttpClient({ baseUrl: hub.url });
    const token = await session(client, wallet, 'worker');
    const socket = await RawSocket.open(hub.url, HUB_WORKER_WS_PATH);
    socket.send(workerHello(token));
    await socket.next((m) => m.type === 'welcome');
    await client.signOut();
    expect((await socket.waitClosed()).code).toBe(4401);
  });
});

describe("the hub's domain is its public origin", () => {
  it('names its own URL on loopback, and the client refuses a challenge naming anything else', async () => {
    const wallet = createTestWallet();
    expect(hub.origin).toBe(hub.url);
    const { challenge } = await new HubHttpClient({ baseUrl: hub.url }).requestChallenge(wallet.address);
    expect(challenge.domain).toBe(hub.url);
    // Reached under another name (here localhost), the client will not sign for 127.0.0.1.
    const other = new HubHttpClient({ baseUrl: hub.url.replace('127.0.0.1', 'localhost') });
    const refused = await refusal(other.signIn(wallet.address, wallet.signMessage));
    expect(refused.reason).toBe('challenge_wrong_domain');
  });

  it('refuses to start beyond loopback without a public origin, or with a bind-all or plain-http public one', async () => {
    await expect(startTestHub({ host: '198.18.0.1' })).rejects.toThrow(/--public-origin/);
    await expect(startTestHub({ publicOrigin: 'http://0.0.0.0:7070' })).rejects.toThrow(/bind-all/);
    await expect(startTestHub({ publicOrigin: 'http://hub.example.org:7070' })).rejects.toThrow(/in clear/);
  });

  it('behind a TLS reverse proxy, challenges name the https origin', async () => {
    const proxied = await startTestHub({ publicOrigin: 'https://hub.example.org' });
    try {
      const wallet = createTestWallet();
      const { challenge, message } = await new HubHttpClient({ baseUrl: proxied.url }).requestChallenge(wallet.address);
      expect(challenge.domain).toBe('https://hub.example.org');
      expect(message.split('\n')[0]).toBe('https://hub.example.org wants you to sign in to the Idlegrid hub with your Solana account:');
    } finally {
      await proxied.stop();
    }
  });

  it('serves HTTPS and WSS with its own certificate; a client pinning that certificate signs in', async () => {
    const tls = makeTestCertificate();
    const secure = await startTestHub({ tls });
    try {
      expect(secure.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      expect(secure.origin).toBe(secure.url);
      const wallet = createTestWallet();
      const client = new HubHttpClient({ baseUrl: secure.url, fetch: pinnedFetch(tls.cert) });
      const signedIn = await client.signIn(wallet.address, wallet.signMessage);
      expect(signedIn.audience).toBe('renter');
      expect(await client.leases()).toEqual([]);
      // A client that does not trust the certificate gets no answer at all.
      await expect(fetch(`${secure.url}/v1/info`)).rejects.toThrow();
      const ws = new WebSocket(`${secure.url.replace('https', 'wss')}${HUB_RENTER_WS_PATH}`, { ca: tls.cert });
      const welcome = await new Promise<Record<string, unknown>>((resolve, reject) => {
        ws.once('open', () => ws.send(JSON.stringify({ type: 'hello', protocolVersion: HUB_PROTOCOL_VERSION, token: signedIn.token })));
        ws.once('message', (data) => resolve(JSON.parse(String(data)) as Record<string, unknown>));
        ws.once('error', reject);
      });
      expect(welcome.type).toBe('welcome');
      ws.terminate();
    } finally {
      await secure.stop();
    }
  });
});
