import { createCipheriv, createDecipheriv, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { ApiError } from '../../common/api/errors';
import { writeFileAtomic } from './atomic-file';
import type { LockableKeyProtection, SealedSecret } from './key-protection';
import { errorText } from '../../common/errors';

export const MIN_PASSPHRASE_LENGTH = 8;
export const DEFAULT_AUTO_LOCK_MS = 15 * 60_000;

const CHECK_TEXT = 'idlegrid-passphrase-check-v1';
const DEFAULT_SCRYPT = { N: 2 ** 17, r: 8, p: 1 };

export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

export interface PassphraseKeyProtectionOptions {
  /** Where the salt and check value live (the wallet folder's passphrase.json). */
  file: string;
  autoLockMs?: number;
  nowMs?: () => number;
  /** Only for new passphrases; an existing file keeps the parameters it was made with. */
  scrypt?: ScryptParams;
}

interface PassphraseFile {
  format: 'idlegrid-passphrase';
  version: 1;
  kdf: { name: 'scrypt'; N: number; r: number; p: number; salt: string };
  check: { iv: string; tag: string; ciphertext: string };
}

/**
 * Headless rigs have no OS keychain, so wallet secrets are sealed with a key derived
 * from a passphrase: scrypt (N=2^17, r=8, p=1: about 128 MiB and a few hundred ms, so
 * guessing is slow) and AES-256-GCM (authenticated: a wrong passphrase or an edited file
 * fails loudly instead of yielding a wrong key). The derived key lives only in memory,
 * from `unlock` until `lock` or until the wallet sits unused for `autoLockMs`.
 *
 * passphrase.json holds the scrypt salt and parameters and a sealed check value, so a
 * wrong passphrase is caught at unlock, before any wallet file is touched.
 */
export class PassphraseKeyProtection implements LockableKeyProtection {
  readonly kind = 'passphrase' as const;
  private key: Buffer | null = null;
  private lastUsedMs = 0;
  private readonly listeners = new Set<() => void>();
  private readonly timer: NodeJS.Timeout;
  private readonly nowMs: () => number;
  private readonly idleMs: number;

  constructor(private readonly options: PassphraseKeyProtectionOptions) {
    this.nowMs = options.nowMs ?? Date.now;
    this.idleMs = options.autoLockMs ?? DEFAULT_AUTO_LOCK_MS;
    this.timer = setInterval(() => this.lockIfIdle(), Math.min(30_000, Math.max(1_000, this.idleMs / 4)));
    this.timer.unref();
  }

  isUnlocked(): boolean {
    return this.key !== null;
  }

  isConfigured(): boolean {
    return existsSync(this.options.file);
  }

  autoLockMs(): number {
    return this.idleMs;
  }

  canOpen(scheme: string): boolean {
    return scheme === 'passphrase-aes-256-gcm';
  }

  /** The first unlock sets the passphrase; later ones must match it. */
  async unlock(passphrase: string): Promise<void> {
    if (!this.isConfigured()) {
      if (passphrase.length < MIN_PASSPHRASE_LENGTH) {
        throw new ApiError('invalid_params', `Choose a passphrase of at least ${MIN_PASSPHRASE_LENGTH} characters. It protects your wallet keys on this machine.`, 'passphrase_too_short');
      }
      const params = this.options.scrypt ?? DEFAULT_SCRYPT;
      const salt = randomBytes(16);
      const key = await deriveKey(passphrase, salt, params);
      const check = encrypt(key, Buffer.from(CHECK_TEXT), 'check');
      const file: PassphraseFile = {
        format: 'idlegrid-passphrase',
        version: 1,
        kdf: { name: 'scrypt', ...params, salt: salt.toString('base64') },
        check,
      };
      writeFileAtomic(this.options.file, `${JSON.stringify(file, null, 2)}\n`);
      this.setKey(key);
      return;
    }
    const key = await this.deriveAndCheck(passphrase);
    if (!key) throw new ApiError('invalid_params', 'Wrong passphrase. Nothing was changed; try again.', 'passphrase_wrong');
    this.setKey(key);
  }

  async verifyPassphrase(passphrase: string): Promise<boolean> {
    const key = await this.deriveAndCheck(passphrase);
    key?.fill(0);
    return key !== null;
  }

  lock(): void {
    if (!this.key) return;
    this.key.fill(0);
    this.key = null;
    for (const listener of [...this.listeners]) listener();
  }

  /** Locks when unused for `autoLockMs`; the timer calls it, tests may too. */
  lockIfIdle(): void {
    if (this.key && this.nowMs() - this.lastUsedMs >= this.idleMs) this.lock();
  }

  onLock(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async seal(secret: Uint8Array, associatedData: string): Promise<SealedSecret> {
    const key = this.useKey();
    return { scheme: 'passphrase-aes-256-gcm', ...encrypt(key, secret, associatedData) };
  }

  async open(sealed: SealedSecret, associatedData: string): Promise<Uint8Array> {
    if (!this.canOpen(sealed.scheme)) {
      throw new ApiError('conflict', 'This wallet was encrypted by the desktop app (OS keychain). Open it there, or export it there and import it here.', 'wallet_sealed_by_keychain');
    }
    const key = this.useKey();
    const plain = decrypt(key, sealed, associatedData);
    if (!plain) {
      throw new ApiError('internal', 'This wallet file does not decrypt with the unlocked passphrase: it was damaged or edited. It was left as it is; restore it from a backup or export.', 'wallet_decrypt_failed');
    }
    return plain;
  }

  dispose(): void {
    clearInterval(this.timer);
    this.key?.fill(0);
    this.key = null;
  }

  private setKey(key: Buffer): void {
    this.key?.fill(0);
    this.key = key;
    this.lastUsedMs = this.nowMs();
  }

  private useKey(): Buffer {
    this.lockIfIdle();
    if (!this.key) {
      throw new ApiError('forbidden', this.isConfigured()
        ? 'The wallet is locked. Unlock it with your passphrase in the Wallet view.'
        : 'Choose a wallet passphrase first (Wallet view): it encrypts your keys on this machine.', 'wallet_locked');
    }
    this.lastUsedMs = this.nowMs();
    return this.key;
  }

  private readFile(): PassphraseFile {
    let parsed: PassphraseFile;
    try {
      parsed = JSON.parse(readFileSync(this.options.file, 'utf8')) as PassphraseFile;
    } catch (error) {
      throw new ApiError('internal', `The wallet passphrase file (${this.options.file}) cannot be read: ${errorText(error)}. It was left as it is.`, 'passphrase_file_unreadable');
    }
    const kdf = parsed?.kdf;
    if (parsed?.format !== 'idlegrid-passphrase' || kdf?.name !== 'scrypt' || !Number.isInteger(kdf.N) || !parsed.check?.ciphertext) {
      throw new ApiError('internal', `The wallet passphrase file (${this.options.file}) is damaged. It was left as it is; restore it from a backup.`, 'passphrase_file_damaged');
    }
    return parsed;
  }

  private async deriveAndCheck(passphrase: string): Promise<Buffer | null> {
    const file = this.readFile();
    const key = await deriveKey(passphrase, Buffer.from(file.kdf.salt, 'base64'), file.kdf);
    const check = decrypt(key, file.check, 'check');
    if (!check || check.length !== CHECK_TEXT.length || !timingSafeEqual(check, Buffer.from(CHECK_TEXT))) {
      key.fill(0);
      return null;
    }
    return key;
  }
}

function deriveKey(passphrase: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(passphrase.normalize('NFC'), salt, 32, { N: params.N, r: params.r, p: params.p, maxmem: 256 * params.N * params.r + 16 * 1024 * 1024 }, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

function encrypt(key: Buffer, plain: Uint8Array, associatedData: string): { iv: string; tag: string; ciphertext: string } {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(`idlegrid:${associatedData}`, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plain), cipher.final()]);
  return { iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), ciphertext: ciphertext.toString('base64') };
}

/** The plaintext, or null when the key, the data or the associated data is wrong. */
function decrypt(key: Buffer, sealed: Readonly<Record<string, string | undefined>>, associatedData: string): Buffer | null {
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(sealed['iv'] ?? '', 'base64'));
    decipher.setAAD(Buffer.from(`idlegrid:${associatedData}`, 'utf8'));
    decipher.setAuthTag(Buffer.from(sealed['tag'] ?? '', 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(sealed['ciphertext'] ?? '', 'base64')), decipher.final()]);
  } catch {
    return null;
  }
}
