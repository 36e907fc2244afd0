import { existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createKeyPairSignerFromBytes, getBase58Decoder } from '@solana/kit';
import type { KeyPairSigner } from '@solana/kit';
import { ApiError } from '../../common/api/errors';
import type { WalletAccount, WalletExportResult, WalletState } from '../../common/wallet/wallet-types';
import { writeFileAtomic, writeNewFile } from './atomic-file';
import { isLockable } from './key-protection';
import type { KeyProtection, SealedSecret } from './key-protection';
import { generateKeypairBytes, parseSecretKey, verifyKeypairBytes } from './keypair-bytes';
import type { KeypairBytes } from './keypair-bytes';

export interface KeyVaultDeps {
  /** The wallet folder (`<dataDir>/wallets`). */
  dir: string;
  /** Where `export` writes key files (`<dataDir>/wallet-exports`). */
  exportDir: string;
  protection: KeyProtection;
  nowMs?: () => number;
}

interface WalletFile {
  format: 'idlegrid-wallet';
  version: 1;
  address: string;
  label: string;
  createdAtMs: number;
  sealed: SealedSecret;
}

const WALLET_FILE = /^wallet-([1-9A-HJ-NP-Za-km-z]{32,44})\.json$/;
const ACTIVE_FILE = 'active.json';

/**
 * The wallets on this machine: one file per wallet (`wallet-<address>.json`) holding the
 * address, a label and the sealed secret, plus `active.json` naming the active one. A
 * secret is decrypted only for the moment it signs (into a non-extractable WebCrypto
 * key) or is exported, and the plaintext bytes are wiped right after.
 *
 * Files are written atomically and a wallet file is never overwritten: importing an
 * address that exists is refused, and a file that cannot be read is reported and left
 * alone, never "repaired".
 */
export class KeyVault {
  private readonly nowMs: () => number;

  constructor(private readonly options: KeyVaultDeps) {
    this.nowMs = options.nowMs ?? Date.now;
    mkdirSync(options.dir, { recursive: true, mode: 0o700 });
  }

  get protection(): KeyProtection {
    return this.options.protection;
  }

  state(): WalletState {
    const { wallets, damagedFiles } = this.readAll();
    const protection = this.options.protection;
    return {
      wallets,
      activeAddress: this.resolveActive(wallets),
      protection: protection.kind,
      locked: !protection.isUnlocked(),
      passphraseSet: protection.isConfigured(),
      autoLockMs: protection.autoLockMs(),
      damagedFiles,
    };
  }

  /** The active wallet's address; null when there is no usable wallet. */
  activeAddress(): string | null {
    return this.resolveActive(this.readAll().wallets);
  }

  async create(label?: string): Promise<WalletAccount> {
    const keypair = await generateKeypairBytes();
    return this.store(keypair, label);
  }

  /** A Solana CLI key file's contents or a base58 secret key. */
  async import(secret: string, label?: string): Promise<WalletAccount> {
    const keypair = await parseSecretKey(secret);
    if (existsSync(this.walletPath(keypair.address))) {
      keypair.bytes.fill(0);
      const existing = this.readAll().wallets.find((w) => w.address === keypair.address);
      throw new ApiError('conflict', `This wallet is already in Idlegrid${existing ? ` as "${existing.label}"` : ''}; it was not imported again.`, 'wallet_exists');
    }
    return this.store(keypair, label);
  }

  select(address: string): void {
    const wallet = this.requireWallet(address);
    if (!wallet.usable) throw new ApiError('conflict', wallet.problem ?? 'This wallet cannot be used here.', 'wallet_unusable');
    writeFileAtomic(join(this.options.dir, ACTIVE_FILE), `${JSON.stringify({ address })}\n`);
  }

  rename(address: string, label: string): void {
    this.requireWallet(address);
    const file = this.readWalletFile(address);
    writeFileAtomic(this.walletPath(address), serialize({ ...file, label }));
  }

  /**
   * A signer for one signing: the secret is decrypted into a non-extractable WebCrypto
   * key and the plaintext wiped. Throws when locked or when the file does not open.
   */
  async signer(address: string): Promise<KeyPairSigner> {
    const bytes = await this.openSecret(address);
    try {
      const signer = await createKeyPairSignerFromBytes(bytes, false);
      if (signer.address !== address) {
        throw new ApiError('internal', `The wallet file for ${address} holds another key. It was left as it is; restore it from a backup.`, 'wallet_file_key_mismatch');
      }
      return signer;
    } finally {
      bytes.fill(0);
    }
  }

  /**
   * Writes the secret to a new file (mode 0600) and returns its path. The caller has
   * already checked the confirmation words; passphrase protection asks for the passphrase
   * again, so an unlocked but unattended session cannot export.
   */
  async export(address: string, format: WalletExportResult['format'], passphrase?: string): Promise<WalletExportResult> {
    const protection = this.options.protection;
    if (isLockable(protection)) {
      if (!passphrase) throw new ApiError('invalid_params', 'Enter your wallet passphrase to export a key.', 'passphrase_missing');
      if (!(await protection.verifyPassphrase(passphrase))) throw new ApiError('invalid_params', 'Wrong passphrase. Nothing was exported.', 'passphrase_wrong');
    }
    const bytes = await this.openSecret(address);
    try {
      mkdirSync(this.options.exportDir, { recursive: true, mode: 0o700 });
      const stamp = new Date(this.nowMs()).toISOString().replace(/[:.]/g, '-');
      const path = join(this.options.exportDir, `idlegrid-${address}-${stamp}${format === 'base58' ? '.txt' : '.json'}`);
      const content = format === 'base58' ? `${getBase58Decoder().decode(bytes)}\n` : `${JSON.stringify(Array.from(bytes))}\n`;
      writeNewFile(path, content);
      return {
        path,
        format,
        warning: 'This file is your secret key, unencrypted: anyone who reads it controls the wallet. Move it to safe offline storage and delete it here.',
      };
    } finally {
      bytes.fill(0);
    }
  }

  private async store(keypair: KeypairBytes, label?: string): Promise<WalletAccount> {
    try {
      const sealed = await this.options.protection.seal(keypair.bytes, keypair.address);
      const file: WalletFile = {
        format: 'idlegrid-wallet',
        version: 1,
        address: keypair.address,
        label: label?.trim() || this.defaultLabel(),
        createdAtMs: this.nowMs(),
        sealed,
      };
      // Prove the sealed copy opens to the same key before it becomes the only copy.
      const reopened = await this.options.protection.open(sealed, keypair.address);
      const ok = (await verifyKeypairBytes(reopened)) === keypair.address;
      reopened.fill(0);
      if (!ok) throw new ApiError('internal', 'The encrypted key did not read back correctly; nothing was saved. Try again.', 'wallet_write_failed');
      try {
        writeNewFile(this.walletPath(keypair.address), serialize(file));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new ApiError('conflict', 'This wallet is already in Idlegrid; it was not imported again.', 'wallet_exists');
        throw error;
      }
      writeFileAtomic(join(this.options.dir, ACTIVE_FILE), `${JSON.stringify({ address: keypair.address })}\n`);
      return this.toAccount(file);
    } finally {
      keypair.bytes.fill(0);
    }
  }

  private async openSecret(address: string): Promise<Uint8Array> {
    const wallet = this.requireWallet(address);
    if (!wallet.usable) throw new ApiError('conflict', wallet.problem ?? 'This wallet cannot be used here.', 'wallet_unusable');
    const file = this.readWalletFile(address);
    return this.options.protection.open(file.sealed, address);
  }

  private requireWallet(address: string): WalletAccount {
    const wallet = this.readAll().wallets.find((w) => w.address === address);
    if (!wallet) throw new ApiError('not_found', `No wallet ${address} on this machine. Create or import it first.`, 'wallet_not_found');
    return wallet;
  }

  private readAll(): { wallets: WalletAccount[]; damagedFiles: string[] } {
    const wallets: WalletAccount[] = [];
    const damagedFiles: string[] = [];
    for (const name of readdirSync(this.options.dir).sort()) {
      const match = WALLET_FILE.exec(name);
      if (!match) continue;
      try {
        const file = this.readWalletFile(match[1] as string);
        wallets.push(this.toAccount(file));
      } catch {
        damagedFiles.push(name);
      }
    }
    wallets.sort((a, b) => a.createdAtMs - b.createdAtMs || a.address.localeCompare(b.address));
    return { wallets, damagedFiles };
  }

  private readWalletFile(address: string): WalletFile {
    const parsed = JSON.parse(readFileSync(this.walletPath(address), 'utf8')) as WalletFile;
    if (
      parsed?.format !== 'idlegrid-wallet' ||
      parsed.address !== address ||
      typeof parsed.label !== 'string' ||
      typeof parsed.sealed?.scheme !== 'string'
    ) {
      throw new Error('not an Idlegrid wallet file');
    }
    return parsed;
  }

  private toAccount(file: WalletFile): WalletAccount {
    const usable = this.options.protection.canOpen(file.sealed.scheme);
    let problem: string | null = null;
    if (!usable) {
      problem =
        file.sealed.scheme === 'electron-safe-storage'
          ? 'Encrypted by the desktop app with the OS keychain: use it there, or export it there and import it here.'
          : 'Encrypted with a headless passphrase: use it in headless mode, or export it there and import it here.';
    }
    return { address: file.address, label: file.label, createdAtMs: file.createdAtMs, protection: file.sealed.scheme === 'electron-safe-storage' ? 'os-keychain' : 'passphrase', usable, problem };
  }

  private resolveActive(wallets: WalletAccount[]): string | null {
    let chosen: string | null = null;
    try {
      const active = JSON.parse(readFileSync(join(this.options.dir, ACTIVE_FILE), 'utf8')) as { address?: unknown };
      if (typeof active.address === 'string') chosen = active.address;
    } catch {
      // No choice made yet (or an unreadable choice): fall back to the first usable wallet.
    }
    const usable = wallets.filter((w) => w.usable);
    return usable.find((w) => w.address === chosen)?.address ?? usable[0]?.address ?? null;
  }

  private defaultLabel(): string {
    return `Wallet ${this.readAll().wallets.length + 1}`;
  }

  private walletPath(address: string): string {
    return join(this.options.dir, `wallet-${address}.json`);
  }
}

function serialize(file: WalletFile): string {
  return `${JSON.stringify(file, null, 2)}\n`;
}
