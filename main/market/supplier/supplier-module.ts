import type Database from 'better-sqlite3';
import type { lendCalls } from '../../../common/api/lend';
import { EventBus } from '../../../common/event-bus';
import type { ApiEventMap } from '../../../common/api/contract';
import { Emitter } from '../../../common/event';
import type { Event } from '../../../common/event';
import { DisposableStore, toDisposable } from '../../../common/lifecycle';
import type { LendNotice, SupplierStatus } from '../../../common/market/lend-types';
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
import { EnergyMeter } from './energy-meter';
import { medianPrice } from './offer-plan';
import { SupplierLeaseStore } from './supplier-lease-store';
import { SupplierSession } from './supplier-session';

export interface SupplierModuleOptions {
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
  /** Tests: how often paid-through and metering are checked (1 s by default). */
  tickMs?: number;
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

/** Pages of the hub's search read for the median (200 offers each). */
const MEDIAN_PAGES = 5;

/** Builds the supplier side for the composition root: the session, its stores, earnings, and the lend/earnings handlers. */
export function createSupplierModule(options: SupplierModuleOptions): SupplierModule {
  const disposables = new DisposableStore({ name: 'supplier' });
  const statusChanged = disposables.add(new Emitter<SupplierStatus>());
  const notices = disposables.add(new Emitter<LendNotice>());
  const earningsChanged = disposables.add(new Emitter<{ atMs: number }>());
  // The session still speaks in the UI's event names: it gets a bus of its own, fed from
  // the services' typed events, and what it publishes there leaves as typed events.
  const sessionEvents = new EventBus<ApiEventMap>();
  const leases = new SupplierLeaseStore(options.ledgerDb, options.nowMs);
  const earningsStore = new EarningsStore(options.ledgerDb);
  const session = new SupplierSession({
    leases,
    earnings: earningsStore,
    meter: new EnergyMeter(options.telemetryStore),
    settings: options.settings,
    events: sessionEvents,
    hub: options.hub,
    wallet: options.wallet,
    worker: options.worker,
    hardware: options.hardware,
    nowMs: options.nowMs,
    ...(options.tickMs !== undefined ? { tickMs: options.tickMs } : {}),
  });
  const earnings = new EarningsService(earningsStore, options.wallet, options.nowMs);
  earnings.onDidChange((e) => earningsChanged.fire(e), disposables);
  // The settings store announces the session's own settings changes; nothing to relay.
  for (const off of [
    sessionEvents.on('lend:status', (status) => statusChanged.fire(status)),
    sessionEvents.on('lend:notice', (notice) => notices.fire(notice)),
    sessionEvents.on('earnings:changed', (e) => earningsChanged.fire(e)),
  ]) {
    disposables.add(toDisposable(off));
  }
  /** What the session listens to, from the services that announce it. */
  const feedSession = (store: DisposableStore) => {
    options.hub.onDidChangeStatus((status) => sessionEvents.emit('market:hub', status), store);
    options.hardware.onDidDetect((snapshot) => sessionEvents.emit('hardware:snapshot', snapshot), store);
    options.worker.onDidChangeEngine((status) => sessionEvents.emit('worker:engine', status), store);
    options.wallet.onDidChangeWallet((state) => sessionEvents.emit('wallet:changed', state), store);
    options.worker.onDidChangeJob((job) => sessionEvents.emit('worker:job-changed', job), store);
    options.worker.onJobLog((batch) => sessionEvents.emit('worker:job-log', batch), store);
    options.telemetry.onSamples((samples) => sessionEvents.emit('telemetry:samples', samples), store);
  };

  return {
    session,
    earnings,
    onDidChangeStatus: statusChanged.event,
    onNotice: notices.event,
    onDidChangeEarnings: earningsChanged.event,
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
    async start() {
      feedSession(disposables);
      await session.start();
    },
    async dispose() {
      await session.stop();
      await disposables.dispose();
    },
  };
}
