import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SigningRequest } from '../../common/wallet/wallet-types';
import { createAppServices } from './app-services';
import type { AppServices } from './app-services';

const PASSPHRASE = 'correct horse battery staple';
const FINGERPRINT = `${'AB:'.repeat(31)}AB`;

// Issue 14, item 5 (and the hub pin): what a renter's job may do on this machine and which
// hub certificate the app trusts are the owner's to widen. An API caller (a compromised
// renderer, a leaked headless cookie) asks; without the owner's passphrase nothing changes.
describe('widening lending safety needs the owner', () => {
  let dir: string;
  let app: AppServices;
  const requests: SigningRequest[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'idlegrid-lending-safety-'));
    app = createAppServices({ shell: 'headless', dataDir: join(dir, 'data'), version: '0.0.0-test' });
    app.events.on('wallet:confirm-request', (request) => requests.push(request));
    await app.start();
    await app.handlers['wallet:unlock']({ passphrase: PASSPHRASE });
    await app.handlers['wallet:create']({});
  }, 60_000);
  afterAll(async () => {
    await app?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Runs `change` while the caller tries to approve its own request without the passphrase, then declines. */
  async function attempt(change: () => unknown): Promise<{ outcome: string; purpose: string }> {
    const before = requests.length;
    const pending = Promise.resolve().then(change).then(
      () => 'applied',
      (error: { reason?: string }) => error.reason ?? 'failed',
    );
    for (let i = 0; i < 200 && requests.length === before; i++) await new Promise((r) => setTimeout(r, 20));
    const request = requests[before];
    if (!request) return { outcome: await pending, purpose: '' };
    await expect(app.handlers['wallet:confirm']({ id: request.id, approved: true })).rejects.toMatchObject({ reason: 'passphrase_required' });
    await app.handlers['wallet:confirm']({ id: request.id, approved: false });
    return { outcome: await pending, purpose: request.purpose };
  }

  it('refuses root jobs, a registry on the owner\'s network and a pinned certificate that the owner did not approve', async () => {
    const root = await attempt(() => app.handlers['lend:set-terms']({ terms: { ...app.settings.get().lendTerms, allowRootJobs: true } }));
    expect(root).toEqual({ outcome: 'signing_declined', purpose: "Let renters' jobs run as root" });
    const rootViaSettings = await attempt(() => app.handlers['settings:update']({ lendTerms: { ...app.settings.get().lendTerms, allowRootJobs: true } }));
    expect(rootViaSettings.outcome).toBe('signing_declined');
    // Issue 11: selling internet access lets strangers' traffic leave through the owner's line.
    const egress = await attempt(() => app.handlers['lend:set-terms']({ terms: { ...app.settings.get().lendTerms, egressPricePerHour: '60000' } }));
    expect(egress).toEqual({ outcome: 'signing_declined', purpose: "Let renters' jobs reach the internet through your connection (egress you sell)" });
    const egressViaSettings = await attempt(() => app.handlers['settings:update']({ lendTerms: { ...app.settings.get().lendTerms, egressPricePerHour: '60000' } }));
    expect(egressViaSettings.outcome).toBe('signing_declined');
    const registry = await attempt(() => app.handlers['settings:update']({ allowedRegistries: ['192.168.1.10:5000'] }));
    expect(registry).toEqual({ outcome: 'signing_declined', purpose: "Let renters' jobs pull images from 192.168.1.10:5000 on your network" });
    const pin = await attempt(() => app.handlers['settings:update']({ pinnedHubCertificates: { 'https://10.0.0.2:7070': FINGERPRINT } }));
    expect(pin.outcome).toBe('signing_declined');
    expect(pin.purpose).toContain(`https://10.0.0.2:7070 (SHA-256 ${FINGERPRINT})`);

    const settings = app.settings.get();
    expect(settings.lendTerms.allowRootJobs).not.toBe(true);
    expect(settings.lendTerms.egressPricePerHour ?? null).toBeNull();
    expect(settings.allowedRegistries).toEqual([]);
    expect(settings.pinnedHubCertificates).toEqual({});
  });

  it('applies them when the owner approves, and narrowing asks nothing', async () => {
    const approve = app.events.on('wallet:confirm-request', (request) => void app.handlers['wallet:confirm']({ id: request.id, approved: true, passphrase: PASSPHRASE }));
    try {
      await app.handlers['settings:update']({ allowedRegistries: ['192.168.1.10:5000'] });
      expect(app.settings.get().allowedRegistries).toEqual(['192.168.1.10:5000']);
    } finally {
      approve();
    }
    const before = requests.length;
    await app.handlers['settings:update']({ allowedRegistries: [] });
    expect(app.settings.get().allowedRegistries).toEqual([]);
    expect(requests.length).toBe(before);
  });
});
