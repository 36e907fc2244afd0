import type Database from 'better-sqlite3';
import type { lendCalls } from '../../../common/api/lend';
import type { EventBus } from '../../../common/event-bus';
import type { ApiEventMap } from '../../../common/api/contract';
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
import { EnergyMeter } from './energy-meter';
import { medianPrice } from './offer-plan';
import { SupplierLeaseStore } from './supplier-lease-store';
import { SupplierSession } from './supplier-session';
import type { Logger } from '../../../common/logger';

export interface SupplierModuleOptions {
  dataDir: string;
  ledgerDb: Database.Database;
  settings: SettingsStore;
  events: EventBus<ApiEventMap>;
  hub: MarketHub;
  wallet: WalletModule;
  worker: WorkerService;
  hardware: HardwareService;
  telemetry: TelemetryService;
  telemetryStore: TelemetryStore;
  nowMs: () => number;
  /** Tests: how often paid-through and metering are checked (1 s by default). */
  tickMs?: number;
  /** Scope 'supplier' in the app's log. */
  logger: Logger;
}

export interface SupplierModule {
  readonly handlers: DomainHandlers<typeof lendCalls>;
  readonly session: SupplierSession;
  readonly earnings: EarningsService;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Pages of the hub's search read for the median (200 offers each). */
const MEDIAN_PAGES = 5;

/** Builds the supplier side for the composition root: the session, its stores, earnings, and the lend/earnings handlers. */
export function createSupplierModule(options: SupplierModuleOptions): SupplierModule {
  const leases = new SupplierLeaseStore(options.ledgerDb, options.nowMs);
  const earningsStore = new EarningsStore(options.ledgerDb);
  const session = new SupplierSession({
    leases,
    earnings: earningsStore,
    meter: new EnergyMeter(options.telemetryStore),
    settings: options.settings,
    events: options.events,
    hub: options.hub,
    wallet: options.wallet,
    worker: options.worker,
    hardware: options.hardware,
    nowMs: options.nowMs,
    logger: options.logger,
    ...(options.tickMs !== undefined ? { tickMs: options.tickMs } : {}),
  });
  const earnings = new EarningsService(earningsStore, options.wallet, options.events, options.nowMs);

  return {
    session,
    earnings,
    handlers: {
      'lend:status': () => session.status(),
      'lend:terms': () => session.terms(),
      'lend:set-terms': ({ terms }) => session.setTerms(terms),
      'lend:start-sharing': () => session.startSharing(),
      'lend:stop-sharing': ({ stopRunning }) => session.stopSharing(stopRunning),
      'lend:market-median': async ({ gpuModel }) => {
        const client = options.hub.publicClient();
        const prices: string[] = [];
        let offset: number | null = 0;
        for (let page = 0; page < MEDIAN_PAGES && offset !== null; page++) {
          const result = await client.searchOffers({ gpuModel, limit: 200, offset });
          // The search matches part of the name; the median is of this exact model.
          for (const o of result.offers) if (o.gpuModel.toLowerCase() === gpuModel.toLowerCase()) prices.push(o.pricePerGpuHour);
          offset = result.nextOffset;
        }
        return { gpuModel, medianPricePerGpuHour: medianPrice(prices), offers: prices.length };
      },
      'earnings:summary': ({ days }) => earnings.summary(days),
      'earnings:list': ({ limit, beforeMs }) => earnings.list(limit, beforeMs),
      'earnings:export-csv': () => earnings.csv(),
      'earnings:reconcile': () => earnings.reconcile(),
    },
    start: () => session.start(),
    stop: () => session.stop(),
  };
}
