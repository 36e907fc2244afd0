import type { KeyProtectionKind } from '../../common/wallet/wallet-types';

/**
 * How wallet secrets are encrypted at rest. The vault stores only what `seal` returns;
 * `associatedData` (the wallet's address) is bound into the ciphertext so a sealed key
 * moved to another wallet's file does not open.
 *
 * Desktop: Electron safeStorage (the OS keychain). Headless: a passphrase (scrypt +
 * AES-256-GCM), unlocked per session and locked after idle. The entry point chooses.
 */
export interface SealedSecret {
  /** Which scheme sealed it, so a file sealed by the other scheme is recognised. */
  scheme: 'electron-safe-storage' | 'passphrase-aes-256-gcm';
  [field: string]: string;
}

export interface KeyProtection {
  readonly kind: KeyProtectionKind;
  /** False while secrets cannot be used (passphrase not entered, or locked after idle). */
  isUnlocked(): boolean;
  /** Passphrase protection: whether a passphrase has been chosen yet. Always true otherwise. */
  isConfigured(): boolean;
  /** Passphrase protection: the idle time after which it locks itself; null otherwise. */
  autoLockMs(): number | null;
  /** Whether this protection can open a secret sealed with `scheme`. */
  canOpen(scheme: string): boolean;
  seal(secret: Uint8Array, associatedData: string): Promise<SealedSecret>;
  open(sealed: SealedSecret, associatedData: string): Promise<Uint8Array>;
  /** Called when it locks itself (idle), so the wallet can say so to the UI. */
  onLock(listener: () => void): () => void;
  /** Timers off; secrets in memory wiped. */
  dispose(): void;
}

/** Passphrase protection adds unlock/lock. */
export interface LockableKeyProtection extends KeyProtection {
  unlock(passphrase: string): Promise<void>;
  lock(): void;
  /** Checks a passphrase without changing the lock state (export asks for it again). */
  verifyPassphrase(passphrase: string): Promise<boolean>;
}

export function isLockable(protection: KeyProtection): protection is LockableKeyProtection {
  return typeof (protection as Partial<LockableKeyProtection>).unlock === 'function';
}
