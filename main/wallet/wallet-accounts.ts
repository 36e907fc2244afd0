import { ApiError } from '../../common/api/errors';
import { Emitter } from '../../common/event';
import type { Event } from '../../common/event';
import type { WalletAccount, WalletExportResult, WalletState } from '../../common/wallet/wallet-types';
import { isLockable } from './key-protection';
import type { KeyVault } from './key-vault';

export interface WalletAccountsDeps {
  vault: KeyVault;
}

/**
 * The wallets on this machine as the app manages them: create, import, export, select,
 * rename, lock and unlock, each change announced on `onDidChange` (the UI's `wallet:changed`;
 * a lock by timeout too). It also answers the questions every signing path asks first: which wallet is
 * active, whether a given one is here, and whether the keys can be used now.
 */
export class WalletAccounts {
  private readonly offLock: () => void;
  private readonly changed = new Emitter<WalletState>();
  readonly onDidChange: Event<WalletState> = this.changed.event;

  constructor(private readonly d: WalletAccountsDeps) {
    this.offLock = d.vault.protection.onLock(() => this.publishState());
  }

  dispose(): void {
    this.offLock();
    this.changed.dispose();
  }

  state(): WalletState {
    return this.d.vault.state();
  }

  async create(label?: string): Promise<WalletAccount> {
    const account = await this.d.vault.create(label);
    this.publishState();
    return account;
  }

  async import(secret: string, label?: string): Promise<WalletAccount> {
    const account = await this.d.vault.import(secret, label);
    this.publishState();
    return account;
  }

  async export(address: string, format: WalletExportResult['format'], passphrase?: string): Promise<WalletExportResult> {
    return this.d.vault.export(address, format, passphrase);
  }

  select(address: string): WalletState {
    this.d.vault.select(address);
    return this.publishState();
  }

  rename(address: string, label: string): WalletState {
    this.d.vault.rename(address, label);
    return this.publishState();
  }

  async unlock(passphrase: string): Promise<WalletState> {
    const protection = this.d.vault.protection;
    if (!isLockable(protection)) {
      throw new ApiError('conflict', 'This app keeps keys in the OS keychain; there is no passphrase to enter.', 'no_passphrase_protection');
    }
    await protection.unlock(passphrase);
    return this.publishState();
  }

  lock(): WalletState {
    const protection = this.d.vault.protection;
    if (isLockable(protection)) protection.lock();
    return this.publishState();
  }

  requireActive(): string {
    const active = this.d.vault.activeAddress();
    if (!active) throw new ApiError('not_found', 'There is no wallet yet. Create or import one in the Wallet view.', 'no_wallet');
    return active;
  }

  requireWallet(address: string): void {
    if (!this.d.vault.state().wallets.some((w) => w.address === address && w.usable)) {
      throw new ApiError('not_found', `Wallet ${address} is not on this machine (or cannot be opened here).`, 'wallet_not_found');
    }
  }

  requireUnlocked(): void {
    const protection = this.d.vault.protection;
    if (!protection.isUnlocked()) {
      throw new ApiError('forbidden', protection.kind === 'passphrase'
        ? 'The wallet is locked. Unlock it with your passphrase, then try again.'
        : 'The OS keychain is not available, so the wallet cannot sign. Sign in to your desktop session and try again.', protection.kind === 'passphrase' ? 'wallet_locked' : 'keychain_unavailable');
    }
  }

  private publishState(): WalletState {
    const state = this.d.vault.state();
    this.changed.fire(state);
    return state;
  }
}
