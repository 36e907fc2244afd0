import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXPORT_CONFIRMATION } from '../../common/api/wallet';
import { PassphraseKeyProtection } from '../wallet/passphrase-key-protection';
import { makeSolanaCliKeyfile } from '../wallet/solana-cli-keyfile-fixture';
import type { CliKeyfile } from '../wallet/solana-cli-keyfile-fixture';
import { allFiles, secretForms } from '../wallet/test-support/secret-scan';
import { ApiError } from '../../common/api/errors';
import { ApiDispatcher } from '../transport/api-dispatcher';
import { createAppServices } from './app-services';
import type { AppServices } from './app-services';
import { shortenAddress } from './diagnostics';

const PASSPHRASE = 'correct horse battery staple 42';

/**
 * The app's own services on a temp data dir, driven through their API handlers as the UI
 * would: a passphrase, an imported and a created wallet, an export, a refused unlock.
 * Then neither the logs folder nor the diagnostics bundle may hold key material or the
 * passphrase, and the bundle names wallets only by shortened address.
 */
describe('logs and diagnostics hold no secrets', () => {
  let dir: string;
  let services: AppServices;
  let keyfile: CliKeyfile;
  let created: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'idlegrid-diagnostics-'));
    const dataDir = join(dir, 'data');
    services = createAppServices({
      shell: 'headless',
      dataDir,
      version: '0.0.0-test',
      keyProtection: new PassphraseKeyProtection({ file: join(dataDir, 'wallets', 'passphrase.json'), scrypt: { N: 2 ** 14, r: 8, p: 1 } }),
      log: { level: 'debug' },
    });
    await services.start();
    // Through the dispatcher, as both transports call: it logs refusals (never their params).
    const api = new ApiDispatcher(services.handlers, services.logger.child({ scope: 'api' }));
    const call = async (method: string, params: unknown) => {
      const out = await api.dispatch(method, params);
      if (!out.ok) throw ApiError.fromShape(out.error);
      return out.result as { address: string };
    };
    await call('wallet:unlock', { passphrase: PASSPHRASE });
    keyfile = makeSolanaCliKeyfile();
    await call('wallet:import', { secret: keyfile.text, label: 'Rig key' });
    created = (await call('wallet:create', {})).address;
    await call('wallet:export', { address: keyfile.address, format: 'base58', confirm: EXPORT_CONFIRMATION, passphrase: PASSPHRASE });
    await call('wallet:lock', {});
    await expect(call('wallet:unlock', { passphrase: 'not the passphrase at all' })).rejects.toMatchObject({ reason: 'passphrase_wrong' });
    await call('wallet:unlock', { passphrase: PASSPHRASE });
    // A careless log call with secrets under their usual names is redacted, not written.
    services.logger.child({ scope: 'test' }).warn({ passphrase: PASSPHRASE, secretKey: keyfile.text, wallet: { keypair: Array.from(keyfile.bytes) } }, 'a careless log call');
  }, 120_000);

  afterAll(async () => {
    await services?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const forbidden = () => [...secretForms(keyfile.bytes), Buffer.from(PASSPHRASE)];

  it('writes JSON lines to <data-dir>/logs, and none holds a key or the passphrase', () => {
    const files = allFiles(join(dir, 'data', 'logs'));
    expect(files.map((f) => f.path.slice(f.path.lastIndexOf('/') + 1))).toEqual(['idlegrid.log']);
    const lines = files[0]!.bytes.toString('utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.some((l) => l.msg === 'starting' && l.version === '0.0.0-test')).toBe(true);
    expect(lines.some((l) => l.msg === 'a call was refused' && l.reason === 'passphrase_wrong' && l.method === 'wallet:unlock')).toBe(true);
    expect(lines.some((l) => l.msg === 'a careless log call' && l.passphrase === '[redacted]')).toBe(true);
    for (const form of forbidden()) {
      for (const file of files) expect(file.bytes.includes(form), `${file.path} holds a secret`).toBe(false);
    }
  });

  it('exports one JSON file with logs, doctor, versions and hardware; addresses shortened, secrets absent', async () => {
    const file = await services.handlers['app:export-diagnostics']({});
    expect(file.filename).toMatch(/^idlegrid-diagnostics-.*\.json$/);
    const text = Buffer.from(file.json);
    const bundle = JSON.parse(file.json) as Record<string, Record<string, unknown>>;
    expect(bundle.versions).toMatchObject({ app: '0.0.0-test', shell: 'headless', node: process.versions.node, platform: process.platform });
    expect(bundle.hardware).toHaveProperty('gpus');
    expect(bundle.doctor).toBeDefined();
    expect(bundle.state).toHaveProperty('network');
    expect((bundle.logs as unknown as Array<{ msg?: string }>).some((l) => l.msg === 'a call was refused')).toBe(true);

    for (const address of [keyfile.address, created]) {
      expect(text.includes(Buffer.from(address)), `the bundle names ${address} in full`).toBe(false);
    }
    expect(file.json).toContain(shortenAddress(keyfile.address));
    for (const form of forbidden()) expect(text.includes(form), 'the bundle holds a secret').toBe(false);
  });
});
