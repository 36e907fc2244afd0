import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppServices } from '../app/app-services';
import type { AppServices } from '../app/app-services';
import type { MarketHubStatus } from '../../common/market/market-hub-types';
import { startHub } from '../../hub';
import { testLogger } from '../../hub/testing/test-logger';
import type { RunningHub } from '../../hub';
import { openHubChain } from '../../hub';
import type { OpenHubChain } from '../../hub';
import { HubError } from '../../common/hub/hub-errors';
import { HubHttpClient } from '../../hub-client/hub-http-client';
import { getBase58Decoder } from '@solana/kit';
import { accessRequestText } from '../../common/access/access-request';
import { verifyWalletSignature } from '../../solana/wallet-signature';

// Integration: the real composition root on a temp dir. On Sandbox it must run its own hub
// over its own chain; switched to a private grid it must follow that hub and its chain.
const fixturesBin = resolve(__dirname, '../../fixtures/bin');
const savedPath = process.env.PATH;
let dir: string;
let app: AppServices;
let gridChain: OpenHubChain;
let gridHub: RunningHub;

function waitForHub(predicate: (s: MarketHubStatus) => boolean, timeoutMs = 20_000): Promise<MarketHubStatus> {
  return new Promise((resolveStatus, reject) => {
    if (predicate(app.hub.status())) return resolveStatus(app.hub.status());
    const timer = setTimeout(() => {
      off();
      reject(new Error(`hub status never matched; last: ${JSON.stringify(app.hub.status())}`));
    }, timeoutMs);
    const off = app.events.on('market:hub', (status) => {
      if (!predicate(status)) return;
      clearTimeout(timer);
      off();
      resolveStatus(status);
    });
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'idlegrid-market-hub-'));
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  symlinkSync(join(fixturesBin, 'nvidia-smi'), join(bin, 'nvidia-smi'));
  process.env.PATH = `${bin}:${savedPath}`;
  app = createAppServices({ shell: 'headless', dataDir: join(dir, 'data'), version: '0.0.0-test' });
  // Switching network with a wallet needs the owner's consent (issue 14.2): headless, the
  // passphrase again. This test is the owner, and approves.
  app.events.on('wallet:confirm-request', (request) => {
    void app.handlers['wallet:confirm']({ id: request.id, approved: true, passphrase: 'correct horse battery staple' });
  });
  await app.start();
  gridChain = await openHubChain({ kind: 'sandbox', logger: testLogger, dataDir: join(dir, 'grid'), host: '127.0.0.1', port: 0, slotIntervalMs: 0 });
  gridHub = await startHub({ logger: testLogger, dataDir: join(dir, 'grid'), host: '127.0.0.1', port: 0, chain: gridChain.config });
}, 60_000);

afterAll(async () => {
  await app?.stop();
  await gridHub?.close();
  await gridChain?.stop();
  process.env.PATH = savedPath;
  rmSync(dir, { recursive: true, force: true });
});

describe('MarketHub', () => {
  it('runs an embedded hub over the sandbox chain on first run', async () => {
    const status = await waitForHub((s) => s.status === 'ready');
    expect(status.mode).toBe('embedded');
    expect(status.hubUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(status.info?.network).toBe('sandbox');
    // The hub checks payments on the very chain the wallet pays on.
    expect(status.info?.mint).toBe(app.wallet.network.info().mint);
    expect(status.info?.rpcUrl).toBe(app.wallet.network.info().rpcUrl);
  });

  it("draws the Explorer from the hub's own series (kept by the hub, not sampled while the view is open), ending at the current numbers", async () => {
    await waitForHub((s) => s.status === 'ready');
    const overview = await app.handlers['explorer:overview']({ payments: 5 });
    // The embedded hub sampled itself when it started: a point at the start of its minute,
    // before anyone opened the Explorer; the line ends with the numbers of now.
    expect(overview.history.length).toBeGreaterThanOrEqual(2);
    expect(overview.history[0]!.atMs % 60_000).toBe(0);
    expect(overview.history.at(-1)!.atMs).toBe(overview.stats.atMs);
    const series = await app.hub.publicClient().explorerSeries(0);
    expect(series.points.map((p) => p.atMs)).toEqual(overview.history.slice(0, -1).map((p) => p.atMs));
  });

  it('asks for a wallet before signing in, then signs in with the active one', async () => {
    await expect(app.hub.token()).rejects.toThrow(/Create or import a wallet/);
    await app.handlers['wallet:unlock']({ passphrase: 'correct horse battery staple' });
    const account = await app.handlers['wallet:create']({});
    const leases = await app.hub.withSession((client) => client.leases());
    expect(leases).toEqual([]);
    expect(app.hub.status().signedInAs).toBe(account.address);
    // Signing in reuses the session; a second wallet gets a session of its own.
    const first = await app.hub.token();
    expect(await app.hub.token()).toBe(first);
    const second = await app.handlers['wallet:create']({});
    expect(app.hub.status().signedInAs).toBeNull();
    expect(await app.hub.token()).not.toBe(first);
    expect(app.hub.status().signedInAs).toBe(second.address);
    // The first wallet (say, the machine's payout wallet) keeps its own session.
    expect(await app.hub.token(account.address)).toBe(first);
  });

  it('refuses to sign anything but a sign-in to this hub without asking', async () => {
    const origin = app.hub.url();
    await expect(app.wallet.service.signHubSignIn(new TextEncoder().encode('transfer everything'), { origin, audience: 'renter' })).rejects.toThrow(/Only an Idlegrid sign-in/);
    // The wallet itself refuses a sign-in naming another hub, or another audience, than the one asked for.
    const address = app.wallet.vault.activeAddress()!;
    const text = (domain: string, audience: string) =>
      new TextEncoder().encode([`${domain} wants you to sign in to the Idlegrid hub with your Solana account:`, address, '', `Domain: ${domain}`, `Audience: ${audience}`, 'Nonce: n'].join('\n'));
    await expect(app.wallet.service.signHubSignIn(text('https://other-hub.example', 'renter'), { origin, audience: 'renter' })).rejects.toThrow(/Only an Idlegrid sign-in/);
    await expect(app.wallet.service.signHubSignIn(text(origin, 'worker'), { origin, audience: 'renter' })).rejects.toThrow(/another hub or purpose/);
    expect((await app.wallet.service.signHubSignIn(text(origin, 'renter'), { origin, audience: 'renter' })).address).toBe(address);
  });

  it('signs node-access requests of its own wallet without asking, and nothing else that way', async () => {
    const address = app.wallet.vault.activeAddress()!;
    const request = { leaseId: 'lease-1', rank: 0, renter: address, kind: 'terminal' as const, cols: 80, rows: 24, nonce: 'n'.repeat(20), issuedAtMs: Date.now() };
    const signature = await app.wallet.service.signAccessRequest(address, new TextEncoder().encode(accessRequestText(request)));
    expect(verifyWalletSignature(address, new TextEncoder().encode(accessRequestText(request)), getBase58Decoder().decode(signature))).toBe(true);
    await expect(app.wallet.service.signAccessRequest(address, new TextEncoder().encode('transfer everything'))).rejects.toThrow(/Only an Idlegrid node-access request/);
    // A request naming another wallet as the renter is not signed by this one.
    const other = accessRequestText({ ...request, renter: 'So11111111111111111111111111111111111111112' });
    await expect(app.wallet.service.signAccessRequest(address, new TextEncoder().encode(other))).rejects.toThrow(/Only an Idlegrid node-access request/);
    // Extra lines (say, a transaction smuggled after the text) are refused too.
    await expect(app.wallet.service.signAccessRequest(address, new TextEncoder().encode(`${accessRequestText(request)}\nmore`))).rejects.toThrow(/Only an Idlegrid node-access request/);
  });

  it('follows a private grid: its hub, and the chain that hub names (with its faucet)', async () => {
    const info = await app.handlers['network:set']({ kind: 'grid', hubUrl: gridHub.url.replace('http://', '') });
    expect(info.kind).toBe('grid');
    expect(info.status).toBe('ready');
    expect(info.rpcUrl).toBe(gridChain.config.rpcUrl);
    expect(info.mint).toBe(gridChain.config.mint);
    expect(info.faucet).toBe(true);
    const status = await waitForHub((s) => s.mode === 'grid' && s.status === 'ready');
    expect(status.hubUrl).toBe(gridHub.url);
    expect(app.hub.embeddedHub()).toBeNull();
    await app.handlers['wallet:faucet']({ sol: true, usdc: true });
    const balances = await app.handlers['wallet:balances']({});
    expect(balances.tokenAmount).toBe('1000000000');
    // The grid's hub knows this wallet by a session of its own.
    await app.hub.withSession((client) => client.leases());
    expect(app.hub.status().signedInAs).toBe(app.wallet.vault.activeAddress());
  });

  it('refuses a challenge another hub relays (issue 14 item 1): the relaying hub gets no session at the real one', async () => {
    // A "private grid hub" the user points the app at, which relays every request to
    // another hub (gridHub) and keeps any session token that passes through.
    const stolen: string[] = [];
    const relay = createServer((req, res) => {
      const upstream = httpRequest({ host: '127.0.0.1', port: gridHub.port, method: req.method, path: req.url, headers: { ...req.headers, host: `127.0.0.1:${gridHub.port}` } }, (up) => {
        const chunks: Buffer[] = [];
        up.on('data', (c: Buffer) => chunks.push(c));
        up.on('end', () => {
          const body = Buffer.concat(chunks);
          if (req.url === '/v1/auth/session' && up.statusCode === 200) stolen.push((JSON.parse(body.toString()) as { token: string }).token);
          res.writeHead(up.statusCode ?? 502, up.headers);
          res.end(body);
        });
      });
      upstream.on('error', () => res.destroy());
      req.pipe(upstream);
    });
    await new Promise<void>((done) => relay.listen(0, '127.0.0.1', done));
    try {
      const relayUrl = `http://127.0.0.1:${(relay.address() as AddressInfo).port}`;
      const info = await app.handlers['network:set']({ kind: 'grid', hubUrl: relayUrl });
      expect(info.status).toBe('ready');
      await waitForHub((s) => s.mode === 'grid' && s.status === 'ready' && s.hubUrl === relayUrl);
      const refused = await app.hub.withSession((client) => client.leases()).then(
        () => null,
        (error: unknown) => error as HubError,
      );
      // Whatever happened, the relay must not hold a session at the real hub.
      for (const token of stolen) {
        await expect(new HubHttpClient({ baseUrl: gridHub.url, token }).leases()).rejects.toThrow();
      }
      expect(stolen).toEqual([]);
      expect(refused).toBeInstanceOf(HubError);
      expect(refused?.reason).toBe('challenge_wrong_domain');
      expect(refused?.message).toContain(gridHub.origin);
    } finally {
      const closed = new Promise<void>((done) => relay.close(() => done()));
      relay.closeAllConnections();
      await closed;
    }
  });

  it('signs out: the hub revokes the session and the app forgets it (issue 14 item 1)', async () => {
    await app.handlers['network:set']({ kind: 'grid', hubUrl: gridHub.url });
    await waitForHub((s) => s.mode === 'grid' && s.status === 'ready' && s.hubUrl === gridHub.url);
    const token = await app.hub.token();
    expect(await new HubHttpClient({ baseUrl: gridHub.url, token }).leases()).toEqual([]);
    const status = await app.handlers['market:sign-out']({});
    expect(status.signedInAs).toBeNull();
    const revoked = await new HubHttpClient({ baseUrl: gridHub.url, token }).leases().then(() => null, (e: unknown) => e as HubError);
    expect(revoked?.code).toBe('unauthenticated');
    // The next market call signs in afresh.
    expect(await app.hub.token()).not.toBe(token);
  });

  it('refuses a plain-http hub beyond loopback and private networks unless the user accepted the warning (issue 14 item 1)', async () => {
    // Refused before any connection is tried (198.18.0.0/15 is not a private range).
    const refused = await Promise.resolve().then(() => app.handlers['network:set']({ kind: 'grid', hubUrl: 'http://198.18.0.1:7070' })).then(() => null, (e: unknown) => e as { reason?: string; message: string });
    expect(refused?.reason).toBe('plain_http_hub');
    expect(refused?.message).toMatch(/unencrypted/);
    // Nothing moved: the app stays on the hub it had.
    expect(app.hub.status().hubUrl).toBe(gridHub.url);
  });

  it('says what to do when the grid hub address is wrong or unreachable', async () => {
    await expect(app.handlers['network:set']({ kind: 'grid', hubUrl: '' })).rejects.toThrow(/hub address/);
    // A wrong address is refused with the reason, and the app stays on the hub it had (issue 17).
    const refused = await Promise.resolve()
      .then(() => app.handlers['network:set']({ kind: 'grid', hubUrl: 'http://127.0.0.1:9' }))
      .then(
      () => null,
      (e: unknown) => e as { reason?: string; message: string },
    );
    expect(refused?.reason).toBe('grid_unreachable');
    expect(refused?.message).toMatch(/^Not switched to the private grid at http:\/\/127\.0\.0\.1:9: .*cannot be reached.* The app stays on Private grid\.$/);
    expect((await app.handlers['network:get']({})).status).toBe('ready');
    const status = await waitForHub((s) => s.mode === 'grid' && s.status === 'ready' && s.hubUrl === gridHub.url);
    expect(status.error).toBeNull();
    expect(app.hub.url()).toBe(gridHub.url);
  });

  it('goes back to its embedded hub on Sandbox', async () => {
    await app.handlers['network:set']({ kind: 'sandbox' });
    const status = await waitForHub((s) => s.mode === 'embedded' && s.status === 'ready');
    expect(status.hubUrl).not.toBe(gridHub.url);
    expect(app.hub.embeddedHub()).not.toBeNull();
  });
});
