import { join } from 'node:path';
import type Database from 'better-sqlite3';
import type { EventBus } from '../../common/event-bus';
import type { ApiEventMap } from '../../common/api/contract';
import type { walletCalls } from '../../common/api/wallet';
import type { SettingsStore } from '../settings/settings-store';
import type { DomainHandlers } from '../transport/api-handlers';
import { AutoPayBudgets } from './auto-pay-budgets';
import { CreditedPayments } from './credited-payments';
import type { KeyProtection } from './key-protection';
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
export interface WalletModuleOptions {
  dataDir: string;
  ledgerDb: Database.Database;
  settings: SettingsStore;
  events: EventBus<ApiEventMap>;
  /** Scope 'wallet' in the app's log. */
  logger: Logger;
  /** Desktop: the OS keychain (safeStorage). Default: a passphrase (headless). */
  keyProtection?: KeyProtection;
  nowMs?: () => number;
  /** Tests: slots advance per transaction instead of every 400 ms. */
  sandboxSlotIntervalMs?: number;
}

export interface WalletModule {
  readonly service: WalletService;
  readonly network: NetworkService;
  readonly vault: KeyVault;
  readonly budgets: AutoPayBudgets;
  readonly credits: CreditedPayments;
  readonly handlers: DomainHandlers<typeof walletCalls>;
  /** A verifier over the current network, crediting into ledger.db (for workers and the hub). */
  paymentVerifier(options?: { commitment?: 'confirmed' | 'finalized' }): PaymentVerifier;
  /** Starts the network from the settings (the sandbox chain by default) and the balance poller. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function createWalletModule(options: WalletModuleOptions): WalletModule {
  const { dataDir, ledgerDb, settings, events } = options;
  const nowMs = options.nowMs ?? Date.now;
  const keyProtection = options.keyProtection ?? new PassphraseKeyProtection({ file: join(dataDir, 'wallets', 'passphrase.json'), nowMs });
  const vault = new KeyVault({ dir: join(dataDir, 'wallets'), exportDir: join(dataDir, 'wallet-exports'), protection: keyProtection, nowMs });
  const network = new NetworkService({ sandboxDataDir: join(dataDir, 'sandbox-chain'), events, logger: options.logger, sandboxSlotIntervalMs: options.sandboxSlotIntervalMs });
  const approvals = new SigningApprovals({ events, nowMs });
  const budgets = new AutoPayBudgets(ledgerDb, nowMs);
  const credits = new CreditedPayments(ledgerDb, nowMs);
  const service = new WalletService({
    vault,
    network,
    approvals,
    activity: new WalletActivity(ledgerDb, nowMs),
    budgets,
    settings: () => settings.get(),
    events,
    nowMs,
  });
  const handlers = walletHandlers({ wallet: service, network, approvals, settings, events });
  let offSettings: (() => void) | null = null;
  const chainReader: ChainReader = {
    transaction: (signature, commitment) => network.client().transaction(signature, commitment) as ReturnType<ChainReader['transaction']>,
    signatureStatus: (signature) => network.client().signatureStatus(signature),
  };

  return {
    service,
    network,
    vault,
    budgets,
    credits,
    handlers,
    paymentVerifier: (verifierOptions = {}) => new PaymentVerifier({ chain: chainReader, credits, commitment: verifierOptions.commitment }),
    async start() {
      // Settings changed from anywhere (settings:update or network:set) move the network.
      offSettings = events.on('settings:changed', (next) => {
        void network.apply(next).then(() => service.refreshBalances());
      });
      await network.apply(settings.get());
      service.start();
    },
    async stop() {
      offSettings?.();
      service.stop();
      await network.stop();
      keyProtection.dispose();
    },
  };
}
