import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getBase58Decoder } from '@solana/kit';
import { HubHttpClient } from '../../hub-client/hub-http-client';
import { ManualClock } from '../support/hub-clock';
import { createTestWallet } from '../testing/test-wallet';
import { startTestHub } from '../testing/test-hub';
import type { TestHub } from '../testing/test-hub';
import { refusal as failure } from '../testing/refusal';

const base58 = getBase58Decoder();
const clock = new ManualClock(Date.UTC(2025, 0, 6, 12, 0));
let hub: TestHub;

beforeAll(async () => {
  hub = await startTestHub({ clock });
});
afterAll(async () => {
  await hub.stop();
});


describe('sign-in by wallet signature (real hub on loopback)', () => {
  it('gives a session token for a good signature, and the token opens signed-in calls', async () => {
    const wallet = createTestWallet();
    const client = new HubHttpClient({ baseUrl: hub.url });
    expect((await failure(client.leases())).code).toBe('unauthenticated');
    const { challenge, message } = await client.requestChallenge(wallet.address);
    expect(message).toContain(`Domain: http://127.0.0.1:${hub.port}`);
    expect(message).toContain(`Nonce: ${challenge.nonce}`);
    expect(message).toContain(wallet.address);
    const session = await client.signIn(wallet.address, wallet.signMessage);
    expect(session.address).toBe(wallet.address);
    expect(await client.leases()).toEqual([]);
  });

  it('refuses a signature by another key or over other text, and still accepts the right one after', async () => {
    const wallet = createTestWallet();
    const intruder = createTestWallet();
    const client = new HubHttpClient({ baseUrl: hub.url });
    const { challenge, message } = await client.requestChallenge(wallet.address);
    const wrongKey = base58.decode(await intruder.signMessage(new TextEncoder().encode(message)));
    expect((await failure(client.createSession({ address: wallet.address, nonce: challenge.nonce, signature: wrongKey }))).code).toBe('bad_signature');
    const wrongText = base58.decode(await wallet.signMessage(new TextEncoder().encode(message.replace('Nonce', 'Nonse'))));
    expect((await failure(client.createSession({ address: wallet.address, nonce: challenge.nonce, signature: wrongText }))).code).toBe('bad_signature');
    const good = base58.decode(await wallet.signMessage(new TextEncoder().encode(message)));
    expect((await client.createSession({ address: wallet.address, nonce: challenge.nonce, signature: good })).address).toBe(wallet.address);
  });

  it('refuses a replayed challenge', async () => {
    const wallet = createTestWallet();
    const client = new HubHttpClient({ baseUrl: hub.url });
    const { challenge, message } = await client.requestChallenge(wallet.address);
    const signature = base58.decode(await wallet.signMessage(new TextEncoder().encode(message)));
    await client.createSession({ address: wallet.address, nonce: challenge.nonce, signature });
    const replay = await failure(client.createSession({ address: wallet.address, nonce: challenge.nonce, signature }));
    expect(replay.code).toBe('challenge_replayed');
    expect(replay.message).toMatch(/already used/);
  });

  it('refuses an expired challenge', async () => {
    const wallet = createTestWallet();
    const client = new HubHttpClient({ baseUrl: hub.url });
    const { challenge, message } = await client.requestChallenge(wallet.address);
    const signature = base58.decode(await wallet.signMessage(new TextEncoder().encode(message)));
    clock.advance(5 * 60_000);
    const expired = await failure(client.createSession({ address: wallet.address, nonce: challenge.nonce, signature }));
    expect(expired.code).toBe('challenge_expired');
  });

  it('refuses a challenge it never issued, or issued to another address, and malformed requests', async () => {
    const wallet = createTestWallet();
    const other = createTestWallet();
    const client = new HubHttpClient({ baseUrl: hub.url });
    const { challenge, message } = await client.requestChallenge(wallet.address);
    const signature = base58.decode(await other.signMessage(new TextEncoder().encode(message)));
    expect((await failure(client.createSession({ address: other.address, nonce: challenge.nonce, signature }))).code).toBe('unknown_challenge');
    expect((await failure(client.createSession({ address: wallet.address, nonce: 'n'.repeat(24), signature }))).code).toBe('unknown_challenge');
    expect((await failure(client.requestChallenge('not-an-address'))).code).toBe('invalid_message');
    const forged = new HubHttpClient({ baseUrl: hub.url, token: 'forged-token' });
    expect((await failure(forged.leases())).code).toBe('unauthenticated');
  });
});
