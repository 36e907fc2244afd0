import { join } from 'node:path';
import type Database from 'better-sqlite3';
import type { Event } from '../../common/event';
import { DisposableStore } from '../../common/lifecycle';
import type { WalletState } from '../../common/wallet/wallet-types';
import type { Module } from '../app/module';
import type { walletCalls } from '../../common/api/wallet';
import type { SettingsStore } from '../settings/settings-store';
import type { DomainHandlers } from '../transport/api-handlers';
import { AutoPayBudgets } from './auto-pay-budgets';
import { CreditedPayments } from './credited-payments';
import type { ConfirmationPrompt, OwnerProof } from './confirmation-prompt';
import type { KeyProtection } from './key-protection';
import { isLockable } from './key-protection';
import { createOwnerConsent } from './owner-consent';
import type { OwnerConsent } from './owner-consent';
import { KeyVault } from './key-vault';
import { NetworkService } from './network-service';
import { PassphraseKeyProtection } from './passphrase-key-protection';
import { PaymentVerifier } from '../../solana/payments/payment-verifier';
import type { ChainReader } from '../../solana/payments/payment-verifier';
import { SigningApprovals } from './signing-approvals';
import { WalletActivity } from './wallet-activity';
import { walletHandlers } from './wallet-handlers';
import { WalletService } from './wallet-service';
import type { Logger } from '../../common/logger';

/**
 * Builds the wallet domain for the composition root: the vault in `<dataDir>/wallets`,
 * the network (the embedded sandbox chain under `<dataDir>/sandbox-chain` by default),
 * confirmations, auto-pay budgets and credited payments in ledger.db, and the handlers
 * of the `wallet:*` and `network:*` calls.
 */
export interface WalletModuleDeps {
  dataDir: string;
  ledgerDb: Database.Database;
  settings: SettingsStore;
  /** Whether a UI shows balances now: they are polled only then. */
  balancesWatched?: () => boolean;
  /** Scope 'wallet' in the app's log. */
  logger: Logger;
  /** Desktop: the OS keychain (safeStorage). Default: a passphrase (headless). */
  keyProtection?: KeyProtection;
  /**
   * Desktop: the main process's confirmation dialog, the only way to approve. Without it
   * approvals need the passphrase (which needs passphrase key protection).
   */
  confirmationPrompt?: ConfirmationPrompt;
  nowMs?: () => number;
  /** Tests: slots advance per transaction instead of every 400 ms. */
  sandboxSlotIntervalMs?: number;
}

export interface WalletModule extends Module {
  readonly service: WalletService;
  readonly network: NetworkService;
  readonly approvals: SigningApprovals;
  readonly vault: KeyVault;
  readonly budgets: AutoPayBudgets;
  /** Asks the owner before a change that widens what may be spent without asking. */
  readonly consent: OwnerConsent;
  readonly credits: CreditedPayments;
  readonly handlers: DomainHandlers<typeof walletCalls>;
  /** A verifier over the current network, crediting into ledger.db (for workers and the hub). */
  paymentVerifier(options?: { commitment?: 'confirmed' | 'finalized' }): PaymentVerifier;
  /** The wallets, the active one or the lock changed (the UI's `wallet:changed`). */
  readonly onDidChangeWallet: Event<WalletState>;
  /** Starts the network from the settings (the sandbox chain by default) and the balance poller. */
  start(): Promise<void>;
  dispose(): Promise<void>;
}

export function createWalletModule(options: WalletModuleDeps): WalletModule {
  const { dataDir, ledgerDb, settings } = options;
  const nowMs = options.nowMs ?? Date.now;
  const keyProtection = options.keyProtection ?? new PassphraseKeyProtection({ file: join(dataDir, 'wallets', 'passphrase.json'), nowMs });
  const vault = new KeyVault({ dir: join(dataDir, 'wallets'), exportDir: join(dataDir, 'wallet-exports'), protection: keyProtection, nowMs });
  const disposables = new DisposableStore({ name: 'wallet' });
  const network = new NetworkService({ sandboxDataDir: join(dataDir, 'sandbox-chain'), settings, logger: options.logger, sandboxSlotIntervalMs: options.sandboxSlotIntervalMs });
  const ownerProof: OwnerProof | undefined = options.confirmationPrompt
    ? { kind: 'prompt', prompt: options.confirmationPrompt }
    : isLockable(keyProtection)
      ? { kind: 'passphrase', verify: (passphrase) => keyProtection.verifyPassphrase(passphrase) }
      : undefined;
  const approvals = new SigningApprovals({ nowMs, ...(ownerProof ? { ownerProof } : {}) });
  const budgets = new AutoPayBudgets(ledgerDb, nowMs, () => ({ ceiling: BigInt(settings.get().autoPayCeiling), dailyCap: BigInt(settings.get().autoPayDailyCap) }));
  const credits = new CreditedPayments(ledgerDb, nowMs);
  const service = new WalletService({
    vault,
    network,
    approvals,
    activity: new WalletActivity(ledgerDb, nowMs),
    budgets,
    settings: () => settings.get(),
    ...(options.balancesWatched ? { balancesWatched: options.balancesWatched } : {}),
    nowMs,
  });
  const consent = createOwnerConsent({ approvals, activeAddress: () => vault.activeAddress(), networkKind: () => network.info().kind });
  const handlers = walletHandlers({ wallet: service, network, approvals, consent });
  const chainReader: ChainReader = {
    transaction: (signature, commitment) => network.client().transaction(signature, commitment) as ReturnType<ChainReader['transaction']>,
    signatureStatus: (signature) => network.client().signatureStatus(signature),
  };

  return {
    service,
    network,
    approvals,
    vault,
    budgets,
    consent,
    credits,
    handlers,
    onDidChangeWallet: service.onDidChangeWallet,
    paymentVerifier: (verifierOptions = {}) => new PaymentVerifier({ chain: chainReader, credits, commitment: verifierOptions.commitment }),
    async start() {
      // Settings changed from anywhere (settings:update or network:set) move the network.
      settings.onDidChange((next) => {
        void network.apply(next).then(() => service.refreshBalances());
      }, disposables);
      await network.apply(settings.get());
      service.start();
    },
    async dispose() {
      await disposables.dispose();
      // Also declines what still waits for the user's answer: nothing signs after this.
      service.stop();
      await network.stop();
      keyProtection.dispose();
    },
  };
}
