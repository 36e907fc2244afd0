import type { SessionAudience } from '../../common/hub/sign-in-message';
import type { Signature } from '@solana/kit';
import type { Event } from '../../common/event';
import type { Settings } from '../../common/settings';
import type {
  FaucetResult,
  SendResult,
  SendToken,
  WalletAccount,
  WalletBalances,
  WalletExportResult,
  WalletState,
  WalletTransaction,
} from '../../common/wallet/wallet-types';
import type { PaymentRequest } from '../../solana/payments/payment-builder';
import type { AutoPayBudgets } from './auto-pay-budgets';
import { BalanceWatcher } from './balance-watcher';
import type { KeyVault } from './key-vault';
import type { NetworkService } from './network-service';
import type { SigningApprovals } from './signing-approvals';
import { StandardSigner } from './standard-signer';
import { WalletAccounts } from './wallet-accounts';
import type { WalletActivity } from './wallet-activity';
import { WalletTransfers } from './wallet-transfers';
import type { PayOptions } from './wallet-transfers';

export type { PayOptions } from './wallet-transfers';

export interface WalletServiceDeps {
  vault: KeyVault;
  network: NetworkService;
  approvals: SigningApprovals;
  activity: WalletActivity;
  budgets: AutoPayBudgets;
  settings: () => Settings;
  /** Whether anyone shows the balances now (a UI subscribed): they are polled only then. */
  balancesWatched?: () => boolean;
  nowMs?: () => number;
}

/**
 * The local wallet as the app uses it: keys from the vault, the network from the network
 * service, and every signature behind a confirmation the user saw (or, for lease
 * payments only, inside an auto-pay budget they set). Signing happens here, in main;
 * the UI only ever sees addresses, amounts and signatures.
 *
 * One face over four parts — the accounts, the transfers, the Wallet Standard signer and
 * the balance watcher — so its callers (handlers, the market) see one wallet.
 */
export class WalletService {
  private readonly accounts: WalletAccounts;
  private readonly watcher: BalanceWatcher;
  private readonly transfers: WalletTransfers;
  private readonly signer: StandardSigner;
  /** The wallets, the active one or the lock changed (the UI's `wallet:changed`). */
  readonly onDidChangeWallet: Event<WalletState>;
  /** The active wallet's balances changed (the UI's `wallet:balances`). */
  readonly onDidChangeBalances: Event<WalletBalances>;
  /** The wallet sent a transaction (the UI's `wallet:activity`). */
  readonly onDidRecordActivity: Event<{ address: string; signature: string }>;

  constructor(private readonly deps: WalletServiceDeps) {
    const { vault, network, approvals, activity, budgets, settings } = deps;
    this.accounts = new WalletAccounts({ vault });
    this.watcher = new BalanceWatcher({ vault, network, accounts: this.accounts, watched: deps.balancesWatched ?? (() => false), nowMs: deps.nowMs ?? Date.now });
    this.transfers = new WalletTransfers({ vault, network, approvals, activity, budgets, accounts: this.accounts, balances: this.watcher, settings });
    this.onDidChangeWallet = this.accounts.onDidChange;
    this.onDidChangeBalances = this.watcher.onDidChange;
    this.onDidRecordActivity = this.transfers.onDidRecordActivity;
    this.signer = new StandardSigner({ vault, network, approvals, activity, accounts: this.accounts });
  }

  state(): WalletState {
    return this.accounts.state();
  }

  create(label?: string): Promise<WalletAccount> {
    return this.accounts.create(label);
  }

  import(secret: string, label?: string): Promise<WalletAccount> {
    return this.accounts.import(secret, label);
  }

  export(address: string, format: WalletExportResult['format'], passphrase?: string): Promise<WalletExportResult> {
    return this.accounts.export(address, format, passphrase);
  }

  select(address: string): WalletState {
    return this.accounts.select(address);
  }

  rename(address: string, label: string): WalletState {
    return this.accounts.rename(address, label);
  }

  unlock(passphrase: string): Promise<WalletState> {
    return this.accounts.unlock(passphrase);
  }

  lock(): WalletState {
    return this.accounts.lock();
  }

  balances(address?: string): Promise<WalletBalances> {
    return this.watcher.balances(address);
  }

  send(input: { to: string; token: SendToken; amount: bigint; memo?: string }): Promise<SendResult> {
    return this.transfers.send(input);
  }

  /** Pays one lease increment (the market's renter client calls this); see WalletTransfers.pay. */
  pay(request: PaymentRequest, options: PayOptions = {}): Promise<{ signature: Signature; slot: bigint; autoApproved: boolean }> {
    return this.transfers.pay(request, options);
  }

  /** A supplier's automatic refund of unused paid time to a lease's renter; see WalletTransfers.refund. */
  refund(input: Parameters<WalletTransfers['refund']>[0]): Promise<{ signature: Signature; slot: bigint }> {
    return this.transfers.refund(input);
  }

  faucet(options: { sol: boolean; usdc: boolean }): Promise<FaucetResult> {
    return this.transfers.faucet(options);
  }

  transactions(limit: number): Promise<WalletTransaction[]> {
    return this.transfers.transactions(limit);
  }

  /** Wallet Standard `solana:signTransaction`: the user sees what it moves, then it is signed. */
  signTransaction(address: string, transactionBase64: string): Promise<string> {
    return this.signer.signTransaction(address, transactionBase64);
  }

  /** Wallet Standard `solana:signMessage`: refuses bytes that would double as a transaction. */
  signMessage(address: string, messageBase64: string): Promise<string> {
    return this.signer.signMessage(address, messageBase64);
  }

  /** Signs a node-access request of this wallet without a confirmation; see StandardSigner.signAccessRequest. */
  signAccessRequest(address: string, message: Uint8Array): Promise<Uint8Array> {
    return this.signer.signAccessRequest(address, message);
  }

  /** Signs the hub's sign-in challenge without a confirmation; see StandardSigner.signHubSignIn. */
  signHubSignIn(message: Uint8Array, expected: { address?: string; origin: string; audience: SessionAudience }): Promise<{ address: string; signature: Uint8Array }> {
    return this.signer.signHubSignIn(message, expected);
  }

  /** Signs this machine's mesh key for a lease without a confirmation; see StandardSigner.signMeshKey. */
  signMeshKey(address: string, message: Uint8Array): Promise<Uint8Array> {
    return this.signer.signMeshKey(address, message);
  }

  /** Signs releases of GPUs to a new owner, after one confirmation; see StandardSigner.signGpuReleases. */
  signGpuReleases(address: string, gpuUuids: readonly string[], newOwner: string): Promise<Array<{ uuid: string; signature: string }>> {
    return this.signer.signGpuReleases(address, gpuUuids, newOwner);
  }

  /** Publishes balances when they change, while someone listens; safe to call often. */
  refreshBalances(): Promise<void> {
    return this.watcher.refreshBalances();
  }

  start(): void {
    this.watcher.start();
  }

  stop(): void {
    this.watcher.stop();
    this.accounts.dispose();
    this.deps.approvals.dispose();
  }
}
