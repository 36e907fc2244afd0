import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getBase58Decoder, signBytes, verifySignature } from '@solana/kit';
import type { KeyProtection } from './key-protection';
import { KeyVault } from './key-vault';
import { PassphraseKeyProtection } from './passphrase-key-protection';
import { SafeStorageKeyProtection, chooseDesktopKeyProtection } from './safe-storage-key-protection';
import type { SafeStorageLike } from './safe-storage-key-protection';
import { makeSolanaCliKeyfile } from './solana-cli-keyfile-fixture';
import { allFiles, secretForms } from './test-support/secret-scan';

const FAST_SCRYPT = { N: 2 ** 14, r: 8, p: 1 };

/**
 * Stands in for the OS keychain behind Electron's safeStorage (which needs the Electron
 * binary): a real AES-256-GCM cipher whose key lives only in this process, as the
 * keychain's does.
 */
class InMemoryKeychain implements SafeStorageLike {
  private readonly key = randomBytes(32);
  constructor(private readonly backend = 'gnome_libsecret') {}
  isEncryptionAvailable() {
    return true;
  }
  getSelectedStorageBackend() {
    return this.backend;
  }
  encryptString(plain: string): Buffer {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]);
  }
  decryptString(encrypted: Buffer): string {
    const decipher = createDecipheriv('aes-256-gcm', this.key, encrypted.subarray(0, 12));
    decipher.setAuthTag(encrypted.subarray(12, 28));
    return Buffer.concat([decipher.update(encrypted.subarray(28)), decipher.final()]).toString('utf8');
  }
}

describe.each([
  ['passphrase (headless)', 'passphrase'],
  ['OS keychain (desktop)', 'keychain'],
] as const)('KeyVault with %s protection', (_name, kind) => {
  let dataDir: string;
  let protection: KeyProtection;

  function vault(p: KeyProtection = protection): KeyVault {
    return new KeyVault({ dir: join(dataDir, 'wallets'), exportDir: join(dataDir, 'wallet-exports'), protection: p });
  }

  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'idlegrid-vault-'));
    if (kind === 'passphrase') {
      const p = new PassphraseKeyProtection({ file: join(dataDir, 'wallets', 'passphrase.json'), scrypt: FAST_SCRYPT });
      vault(p); // makes the folder
      await p.unlock('a long enough passphrase');
      protection = p;
    } else {
      protection = new SafeStorageKeyProtection(new InMemoryKeychain());
    }
  });
  afterEach(() => {
    protection.dispose();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('imports a real Solana CLI key file and leaves no plaintext of it anywhere in the data dir', async () => {
    const keyfile = makeSolanaCliKeyfile();
    const v = vault();
    const account = await v.import(keyfile.text, 'Rig key');
    expect(account).toMatchObject({ address: keyfile.address, label: 'Rig key', usable: true });
    expect(v.state().activeAddress).toBe(keyfile.address);

    const files = allFiles(dataDir);
    expect(files.some((f) => f.path.endsWith(`wallet-${keyfile.address}.json`))).toBe(true);
    for (const form of secretForms(keyfile.bytes)) {
      for (const file of files) expect(file.bytes.includes(form), `${file.path} holds the secret`).toBe(false);
    }
    // And the sealed key signs as that address.
    const signer = await v.signer(keyfile.address);
    const message = new TextEncoder().encode('hello');
    expect(await verifySignature(signer.keyPair.publicKey, await signBytes(signer.keyPair.privateKey, message), message)).toBe(true);
  });

  it('creates keys without leaving them on disk, and exports one only as asked, to a private file', async () => {
    const v = vault();
    const created = await v.create();
    expect(created.label).toBe('Wallet 1');
    const passphrase = kind === 'passphrase' ? 'a long enough passphrase' : undefined;
    if (kind === 'passphrase') {
      await expect(v.export(created.address, 'solana-cli-json')).rejects.toThrow(/passphrase/);
      await expect(v.export(created.address, 'solana-cli-json', 'a wrong passphrase')).rejects.toThrow(/Wrong passphrase/);
      expect(allFiles(dataDir).some((f) => f.path.includes('wallet-exports'))).toBe(false);
    }
    const exported = await v.export(created.address, 'solana-cli-json', passphrase);
    expect(statSync(exported.path).mode & 0o777).toBe(0o600);
    const bytes = Uint8Array.from(JSON.parse(readFileSync(exported.path, 'utf8')) as number[]);
    expect(bytes.length).toBe(64);
    // Before the export, the secret was nowhere in the data dir; the export file is the one place.
    for (const form of secretForms(bytes)) {
      for (const file of allFiles(dataDir).filter((f) => f.path !== exported.path)) expect(file.bytes.includes(form)).toBe(false);
    }
    // The exported file imports elsewhere as the same wallet.
    const otherDir = mkdtempSync(join(tmpdir(), 'idlegrid-vault2-'));
    try {
      const other = new KeyVault({ dir: join(otherDir, 'w'), exportDir: join(otherDir, 'x'), protection: new SafeStorageKeyProtection(new InMemoryKeychain()) });
      expect((await other.import(readFileSync(exported.path, 'utf8'))).address).toBe(created.address);
    } finally {
      rmSync(otherDir, { recursive: true, force: true });
    }
  });

  it('refuses to import an address it already has, and leaves that wallet file untouched', async () => {
    const keyfile = makeSolanaCliKeyfile();
    const v = vault();
    await v.import(keyfile.text, 'First');
    const path = join(dataDir, 'wallets', `wallet-${keyfile.address}.json`);
    const before = readFileSync(path);
    await expect(v.import(getBase58Decoder().decode(keyfile.bytes), 'Second')).rejects.toThrow(/already in Idlegrid as "First"/);
    expect(readFileSync(path).equals(before)).toBe(true);
  });

  it('reports a corrupted wallet file, keeps it byte for byte, and keeps the other wallets working', async () => {
    const v = vault();
    const good = await v.create('Good');
    const broken = await v.create('Broken');
    const brokenPath = join(dataDir, 'wallets', `wallet-${broken.address}.json`);
    const damaged = readFileSync(brokenPath, 'utf8').slice(0, 40);
    writeFileSync(brokenPath, damaged);

    const state = v.state();
    expect(state.wallets.map((w) => w.address)).toEqual([good.address]);
    expect(state.damagedFiles).toEqual([`wallet-${broken.address}.json`]);
    await v.create('Third');
    v.select(good.address);
    expect((await v.signer(good.address)).address).toBe(good.address);
    await expect(v.signer(broken.address)).rejects.toThrow(/No wallet/);
    expect(readFileSync(brokenPath, 'utf8')).toBe(damaged);
  });

  it('keeps the chosen active wallet across restarts', async () => {
    const first = await vault().create('A');
    const second = await vault().create('B');
    expect(vault().activeAddress()).toBe(second.address);
    vault().select(first.address);
    expect(vault().state().activeAddress).toBe(first.address);
  });
});

describe('KeyVault across protections', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'idlegrid-vault-x-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('lists a keychain-sealed wallet in headless mode as unusable, with what to do, and does not touch it', async () => {
    const dir = join(dataDir, 'wallets');
    const desktop = new KeyVault({ dir, exportDir: join(dataDir, 'x'), protection: new SafeStorageKeyProtection(new InMemoryKeychain()) });
    const account = await desktop.create('Desktop wallet');
    const headlessProtection = new PassphraseKeyProtection({ file: join(dir, 'passphrase.json'), scrypt: FAST_SCRYPT });
    try {
      await headlessProtection.unlock('a long enough passphrase');
      const headless = new KeyVault({ dir, exportDir: join(dataDir, 'x'), protection: headlessProtection });
      const state = headless.state();
      expect(state.wallets[0]).toMatchObject({ address: account.address, usable: false, protection: 'os-keychain' });
      expect(state.wallets[0]?.problem).toMatch(/desktop app/);
      expect(state.activeAddress).toBeNull();
      await expect(headless.signer(account.address)).rejects.toThrow(/desktop app/);
    } finally {
      headlessProtection.dispose();
    }
  });

  it('uses the OS keychain on the desktop only when it is a real one', () => {
    const file = join(dataDir, 'passphrase.json');
    const real = chooseDesktopKeyProtection(new InMemoryKeychain('gnome_libsecret'), { file });
    const basic = chooseDesktopKeyProtection(new InMemoryKeychain('basic_text'), { file });
    expect(real.kind).toBe('os-keychain');
    expect(basic.kind).toBe('passphrase');
    real.dispose();
    basic.dispose();
  });

  it('cannot sign while the passphrase is locked', async () => {
    const protection = new PassphraseKeyProtection({ file: join(dataDir, 'wallets', 'passphrase.json'), scrypt: FAST_SCRYPT });
    try {
      const v = new KeyVault({ dir: join(dataDir, 'wallets'), exportDir: join(dataDir, 'x'), protection });
      await expect(v.create()).rejects.toThrow(/Choose a wallet passphrase/);
      expect(readdirSync(join(dataDir, 'wallets'))).toEqual([]);
      await protection.unlock('a long enough passphrase');
      const account = await v.create();
      protection.lock();
      await expect(v.signer(account.address)).rejects.toThrow(/locked/);
    } finally {
      protection.dispose();
    }
  });
});
