import type { Address } from '@solana/kit';
import { Emitter } from '../../common/event';
import type { Event } from '../../common/event';
import { MutableDisposable, disposableInterval } from '../../common/lifecycle';
import type { WalletBalances } from '../../common/wallet/wallet-types';
import type { KeyVault } from './key-vault';
import type { NetworkService } from './network-service';
import type { WalletAccounts } from './wallet-accounts';

export interface BalanceWatcherDeps {
  vault: KeyVault;
  network: NetworkService;
  accounts: WalletAccounts;
  /** Whether anyone shows the balances now (a UI subscribed): polling runs only then. */
  watched: () => boolean;
  nowMs: () => number;
}

const BALANCE_POLL_MS = 10_000;

/**
 * A wallet's SOL and payment-token balances on the current network, announced on `onDidChange`
 * (the UI's `wallet:balances`) when the active wallet's change: polled every 10 s only while someone listens, and
 * refreshed at once after the wallet moves money.
 */
export class BalanceWatcher {
  private readonly poller = new MutableDisposable();
  private lastBalancesKey = '';
  private readonly changed = new Emitter<WalletBalances>();
  readonly onDidChange: Event<WalletBalances> = this.changed.event;

  constructor(private readonly d: BalanceWatcherDeps) {}

  async balances(address?: string): Promise<WalletBalances> {
    const owner = (address ?? this.d.accounts.requireActive()) as Address;
    const network = this.d.network;
    const client = network.client();
    const info = network.info();
    const mint = info.mint as Address;
    const [lamports, held] = await Promise.all([client.solBalance(owner), client.tokenBalance(owner, mint)]);
    return {
      address: owner,
      network: info.kind,
      lamports: lamports.toString(),
      token: info.token,
      tokenAmount: held.amount.toString(),
      decimals: info.decimals,
      mint,
      tokenAccount: held.account,
      updatedAtMs: this.d.nowMs(),
    };
  }

  /** Publishes balances when they change, while someone listens; safe to call often. */
  async refreshBalances(): Promise<void> {
    const active = this.d.vault.activeAddress();
    if (!active || this.d.network.info().status !== 'ready') return;
    try {
      const balances = await this.balances(active);
      const key = `${balances.network}:${balances.address}:${balances.lamports}:${balances.tokenAmount}`;
      if (key !== this.lastBalancesKey) {
        this.lastBalancesKey = key;
        this.changed.fire(balances);
      }
    } catch {
      // The next poll tries again; a call from the UI reports the error itself.
    }
  }

  start(): void {
    if (this.poller.value) return;
    this.poller.value = disposableInterval(() => {
      if (this.d.watched()) void this.refreshBalances();
    }, BALANCE_POLL_MS);
  }

  stop(): void {
    void this.poller.clear();
  }
}
