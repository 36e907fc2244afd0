import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
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

  it('refuses to sign anything but a hub sign-in without asking', async () => {
    await expect(app.wallet.service.signHubSignIn(new TextEncoder().encode('transfer everything'))).rejects.toThrow(/Only an Idlegrid hub sign-in/);
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

  it('says what to do when the grid hub address is wrong or unreachable', async () => {
    await expect(app.handlers['network:set']({ kind: 'grid', hubUrl: '' })).rejects.toThrow(/hub address/);
    const info = await app.handlers['network:set']({ kind: 'grid', hubUrl: 'http://127.0.0.1:9' });
    expect(info.status).toBe('error');
    expect(info.error).toMatch(/cannot be reached/);
    const status = await waitForHub((s) => s.mode === 'grid' && s.status === 'error');
    expect(status.error).toMatch(/cannot be reached/);
    expect(() => app.hub.url()).toThrow(/cannot be reached/);
  });

  it('goes back to its embedded hub on Sandbox', async () => {
    await app.handlers['network:set']({ kind: 'sandbox' });
    const status = await waitForHub((s) => s.mode === 'embedded' && s.status === 'ready');
    expect(status.hubUrl).not.toBe(gridHub.url);
    expect(app.hub.embeddedHub()).not.toBeNull();
  });
});
