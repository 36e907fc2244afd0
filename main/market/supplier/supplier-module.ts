import { ApiError } from '../../../common/api/errors';
import type Database from 'better-sqlite3';
import type { HubTime } from '../hub-time';
import type { lendCalls } from '../../../common/api/lend';
import { Events } from '../../../common/event';
import type { Event } from '../../../common/event';
import type { LendNotice, SupplierStatus } from '../../../common/market/lend-types';
import { EGRESS_CONSENT_TEXT, startsSellingEgress } from '../../../common/market/lend-types';
import type { Module } from '../../app/module';
import type { HardwareService } from '../../hardware/hardware-service';
import type { TelemetryService } from '../../hardware/telemetry-service';
import type { TelemetryStore } from '../../ledger/telemetry-store';
import type { SettingsStore } from '../../settings/settings-store';
import type { DomainHandlers } from '../../transport/api-handlers';
import type { WalletModule } from '../../wallet/wallet-module';
import type { WorkerService } from '../../worker/worker-service';
import type { MarketHub } from '../market-hub';
import { EarningsService } from './earnings-service';
import { EarningsStore } from './earnings-store';
import { RefundStore } from './refund-store';
import { EnergyMeter } from './energy-meter';
import { marketMedian } from './market-median';
import { SupplierLeaseStore } from './supplier-lease-store';
import { SupplierSession } from './supplier-session';
import type { Logger } from '../../../common/logger';

export interface SupplierModuleDeps {
  dataDir: string;
  ledgerDb: Database.Database;
  settings: SettingsStore;
  hub: MarketHub;
  wallet: WalletModule;
  worker: WorkerService;
  hardware: HardwareService;
  telemetry: TelemetryService;
  telemetryStore: TelemetryStore;
  nowMs: () => number;
  /** The hub's clock, measured by the worker socket: lease deadlines use it. */
  hubTime: HubTime;
  /** Tests: how often paid-through and metering are checked (1 s by default). */
  tickMs?: number;
  /** Scope 'supplier' in the app's log. */
  logger: Logger;
}

export interface SupplierModule extends Module {
  readonly handlers: DomainHandlers<typeof lendCalls>;
  readonly session: SupplierSession;
  readonly earnings: EarningsService;
  /** The supplier's status changed (the UI's `lend:status`). */
  readonly onDidChangeStatus: Event<SupplierStatus>;
  /** Something the owner should hear about, such as a paused hot lease (the UI's `lend:notice`). */
  readonly onNotice: Event<LendNotice>;
  /** Earnings rows were added or checked (the UI's `earnings:changed`). */
  readonly onDidChangeEarnings: Event<{ atMs: number }>;
}

/** Builds the supplier side for the composition root: the session, its stores, earnings, and the lend/earnings handlers. */
export function createSupplierModule(options: SupplierModuleDeps): SupplierModule {
  const leases = new SupplierLeaseStore(options.ledgerDb, options.nowMs);
  const earningsStore = new EarningsStore(options.ledgerDb);
  const refunds = new RefundStore(options.ledgerDb, options.nowMs);
  const session = new SupplierSession({
    leases,
    earnings: earningsStore,
    refunds,
    meter: new EnergyMeter(options.telemetryStore),
    settings: options.settings,
    hub: options.hub,
    wallet: options.wallet,
    worker: options.worker,
    hardware: options.hardware,
    telemetry: options.telemetry,
    nowMs: options.nowMs,
    hubTime: options.hubTime,
    logger: options.logger,
    ...(options.tickMs !== undefined ? { tickMs: options.tickMs } : {}),
  });
  const earnings = new EarningsService(earningsStore, options.wallet, options.nowMs, refunds, () => session.recoverChainPayments());
  return {
    session,
    earnings,
    onDidChangeStatus: session.onDidChangeStatus,
    onNotice: session.onNotice,
    onDidChangeEarnings: Events.any(session.onDidChangeEarnings, earnings.onDidChange),
    handlers: {
      'lend:status': () => session.status(),
      'lend:terms': () => session.terms(),
      'lend:set-terms': async ({ terms }) => {
        // Letting renters run as root widens what a job may do here: the owner confirms it (as in settings:update).
        if (terms.allowRootJobs === true && options.settings.get().lendTerms.allowRootJobs !== true) await options.wallet.consent('network', "Let renters' jobs run as root");
        // Selling egress: strangers' traffic leaves through the owner's internet connection.
        if (startsSellingEgress(terms, options.settings.get().lendTerms)) await options.wallet.consent('network', `Let renters' jobs ${EGRESS_CONSENT_TEXT}`);
        return session.setTerms(terms);
      },
      'lend:start-sharing': () => session.startSharing(),
      'lend:stop-sharing': ({ stopRunning }) => session.stopSharing(stopRunning),
      // This machine's own offers (its payout wallet; the active wallet before sharing started) are not the market.
      'lend:market-median': ({ gpuModel }) => marketMedian(options.hub, gpuModel, [options.settings.get().lendTerms.payoutAddress, options.wallet.vault.activeAddress() ?? '']),
      'lend:reputation': async () => {
        const workerId = session.status().workerId;
        return workerId ? options.hub.publicClient().workerReputation(workerId) : null;
      },
      'lend:release-gpus': async ({ newOwner }) => {
        const from = options.settings.get().lendTerms.payoutAddress || options.wallet.vault.activeAddress();
        if (!from) throw new ApiError('unavailable', 'Create or import the wallet these GPUs were shared with first.', 'no_wallet');
        const uuids = options.hardware.gpus().filter((g) => g.lendable).map((g) => g.uuid);
        const releases = await options.wallet.service.signGpuReleases(from, uuids, newOwner);
        return { kind: 'idlegrid-gpu-release' as const, from, to: newOwner, releases };
      },
      'earnings:summary': ({ days }) => earnings.summary(days),
      'earnings:list': ({ limit, beforeMs }) => earnings.list(limit, beforeMs),
      'earnings:export-csv': () => earnings.csv(),
      'earnings:reconcile': () => earnings.reconcile(),
    },
    start: () => session.start(),
    dispose: () => session.stop(),
  };
}
