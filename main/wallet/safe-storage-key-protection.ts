import { ApiError } from '../../common/api/errors';
import type { KeyProtection, SealedSecret } from './key-protection';
import { PassphraseKeyProtection } from './passphrase-key-protection';
import type { PassphraseKeyProtectionOptions } from './passphrase-key-protection';

/** The slice of Electron's safeStorage this file uses (tests pass a stand-in keychain). */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
  /** Linux only: 'basic_text' means no keyring was found and a hard-coded key is used. */
  getSelectedStorageBackend?(): string;
}

/**
 * The desktop app seals wallet secrets with Electron's safeStorage, i.e. the OS keychain
 * (macOS Keychain, Windows DPAPI, libsecret/kwallet on Linux): the ciphertext on disk is
 * useless without this user's login. Only the slice of Electron's API used here is named,
 * so this file does not import electron and runs in tests with a stand-in keychain.
 */
export class SafeStorageKeyProtection implements KeyProtection {
  readonly kind = 'os-keychain' as const;

  constructor(private readonly safeStorage: SafeStorageLike) {}

  isUnlocked(): boolean {
    return this.safeStorage.isEncryptionAvailable();
  }

  isConfigured(): boolean {
    return true;
  }

  autoLockMs(): null {
    return null;
  }

  canOpen(scheme: string): boolean {
    return scheme === 'electron-safe-storage';
  }

  async seal(secret: Uint8Array, associatedData: string): Promise<SealedSecret> {
    this.assertAvailable();
    // safeStorage takes strings; the address goes in with the key so a sealed key moved
    // into another wallet's file is detected when opened.
    const encrypted = this.safeStorage.encryptString(`${associatedData}:${Buffer.from(secret).toString('base64')}`);
    return { scheme: 'electron-safe-storage', ciphertext: encrypted.toString('base64') };
  }

  async open(sealed: SealedSecret, associatedData: string): Promise<Uint8Array> {
    if (!this.canOpen(sealed.scheme)) {
      throw new ApiError('conflict', 'This wallet was encrypted with a passphrase (headless mode). Export it there and import it here.', 'wallet_sealed_by_passphrase');
    }
    this.assertAvailable();
    let text: string;
    try {
      text = this.safeStorage.decryptString(Buffer.from(sealed.ciphertext ?? '', 'base64'));
    } catch {
      throw new ApiError('internal', "The OS keychain could not decrypt this wallet: it was sealed by another user account or machine, or the file was edited. It was left as it is.", 'keychain_decrypt_failed');
    }
    const prefix = `${associatedData}:`;
    if (!text.startsWith(prefix)) {
      throw new ApiError('internal', 'This wallet file holds the key of another address: it was edited or swapped. It was left as it is.', 'wallet_file_key_mismatch');
    }
    return new Uint8Array(Buffer.from(text.slice(prefix.length), 'base64'));
  }

  onLock(): () => void {
    return () => {};
  }

  dispose(): void {}

  private assertAvailable(): void {
    if (!this.safeStorage.isEncryptionAvailable()) {
      throw new ApiError('unavailable', 'The OS keychain is not available, so wallet keys cannot be encrypted or opened. Sign in to your desktop session (on Linux: start a keyring such as GNOME Keyring) and try again.', 'keychain_unavailable');
    }
  }
}

/**
 * The desktop entry's choice: the OS keychain when it is real; a passphrase when safeStorage
 * is unavailable or, on Linux, would fall back to its hard-coded "basic_text" key (which
 * would amount to storing keys in the clear).
 */
export function chooseDesktopKeyProtection(safeStorage: SafeStorageLike, passphrase: PassphraseKeyProtectionOptions): KeyProtection {
  const backend = safeStorage.getSelectedStorageBackend?.();
  if (safeStorage.isEncryptionAvailable() && backend !== 'basic_text' && backend !== 'unknown') {
    return new SafeStorageKeyProtection(safeStorage);
  }
  return new PassphraseKeyProtection(passphrase);
}
