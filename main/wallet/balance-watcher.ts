import type { Address } from '@solana/kit';
import type { ApiEventMap } from '../../common/api/contract';
import type { EventBus } from '../../common/event-bus';
import type { WalletBalances } from '../../common/wallet/wallet-types';
import type { KeyVault } from './key-vault';
import type { NetworkService } from './network-service';
import type { WalletAccounts } from './wallet-accounts';

export interface BalanceWatcherDeps {
  vault: KeyVault;
  network: NetworkService;
  accounts: WalletAccounts;
  events: EventBus<ApiEventMap>;
  nowMs: () => number;
}

const BALANCE_POLL_MS = 10_000;

/**
 * A wallet's SOL and payment-token balances on the current network, and `wallet:balances` published
 * when the active wallet's change: polled every 10 s only while someone listens, and
 * refreshed at once after the wallet moves money.
 */
export class BalanceWatcher {
  private poller: NodeJS.Timeout | null = null;
  private lastBalancesKey = '';

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
        this.d.events.emit('wallet:balances', balances);
      }
    } catch {
      // The next poll tries again; a call from the UI reports the error itself.
    }
  }

  start(): void {
    if (this.poller) return;
    this.poller = setInterval(() => {
      if (this.d.events.listenerCount('wallet:balances') > 0) void this.refreshBalances();
    }, BALANCE_POLL_MS);
    this.poller.unref();
  }

  stop(): void {
    if (this.poller) clearInterval(this.poller);
    this.poller = null;
  }
}
