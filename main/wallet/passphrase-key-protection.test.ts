import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PassphraseKeyProtection } from './passphrase-key-protection';

// Cheaper scrypt for most cases (the parameters are stored per file, so this is a real
// configuration); one test runs the production parameters.
const FAST = { N: 2 ** 14, r: 8, p: 1 };

describe('PassphraseKeyProtection', () => {
  let dir: string;
  let file: string;
  let now: number;
  const made: PassphraseKeyProtection[] = [];
  const protection = (options: Partial<ConstructorParameters<typeof PassphraseKeyProtection>[0]> = {}) => {
    const p = new PassphraseKeyProtection({ file, scrypt: FAST, nowMs: () => now, ...options });
    made.push(p);
    return p;
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'idlegrid-pass-'));
    file = join(dir, 'passphrase.json');
    now = 1_700_000_000_000;
  });
  afterEach(() => {
    for (const p of made.splice(0)) p.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('round-trips a secret with the production scrypt parameters, bound to its address', async () => {
    const p = protection({ scrypt: undefined });
    await p.unlock('correct horse battery');
    const stored = JSON.parse(readFileSync(file, 'utf8'));
    expect(stored.kdf).toMatchObject({ name: 'scrypt', N: 2 ** 17, r: 8, p: 1 });
    const secret = new Uint8Array(64).map((_, i) => i);
    const sealed = await p.seal(secret, 'ADDRESS-A');
    expect(Buffer.from(JSON.stringify(sealed)).includes(Buffer.from(secret))).toBe(false);
    expect(Array.from(await p.open(sealed, 'ADDRESS-A'))).toEqual(Array.from(secret));
    // Moved to another wallet's file, it does not open.
    await expect(p.open(sealed, 'ADDRESS-B')).rejects.toThrow(/damaged or edited/);
  });

  it('refuses a wrong passphrase and keeps the file as it was; a new instance opens with the right one', async () => {
    const first = protection();
    await first.unlock('the right passphrase');
    const sealed = await first.seal(new Uint8Array([1, 2, 3]), 'A');
    const before = readFileSync(file, 'utf8');

    const second = protection();
    await expect(second.unlock('the wrong passphrase')).rejects.toThrow(/Wrong passphrase/);
    expect(second.isUnlocked()).toBe(false);
    expect(readFileSync(file, 'utf8')).toBe(before);
    await expect(second.open(sealed, 'A')).rejects.toThrow(/locked/);
    await second.unlock('the right passphrase');
    expect(Array.from(await second.open(sealed, 'A'))).toEqual([1, 2, 3]);
  });

  it('asks for a passphrase of at least 8 characters when setting one', async () => {
    const p = protection();
    expect(p.isConfigured()).toBe(false);
    await expect(p.unlock('short')).rejects.toThrow(/at least 8/);
    expect(p.isConfigured()).toBe(false);
  });

  it('locks itself after the idle time, and use keeps it open', async () => {
    const p = protection({ autoLockMs: 60_000 });
    let locks = 0;
    p.onLock(() => locks++);
    await p.unlock('passphrase one');
    now += 50_000;
    await p.seal(new Uint8Array([9]), 'A'); // use resets the idle clock
    now += 50_000;
    p.lockIfIdle();
    expect(p.isUnlocked()).toBe(true);
    now += 10_001;
    p.lockIfIdle();
    expect(p.isUnlocked()).toBe(false);
    expect(locks).toBe(1);
    await expect(p.seal(new Uint8Array([9]), 'A')).rejects.toThrow(/locked/);
  });

  it('reports a damaged passphrase file clearly and never rewrites it', async () => {
    writeFileSync(file, '{"format":"idlegrid-passphrase","kdf":');
    const p = protection();
    await expect(p.unlock('whatever passphrase')).rejects.toThrow(/cannot be read.*left as it is/);
    expect(readFileSync(file, 'utf8')).toBe('{"format":"idlegrid-passphrase","kdf":');
  });

  it('checks a passphrase again without unlocking (export asks for it)', async () => {
    const p = protection();
    await p.unlock('passphrase two');
    p.lock();
    expect(await p.verifyPassphrase('passphrase two')).toBe(true);
    expect(await p.verifyPassphrase('passphrase 2')).toBe(false);
    expect(p.isUnlocked()).toBe(false);
  });
});
