import type { EventSpec } from '../../common/api/define';
import type { ApiEventMap } from '../../common/api/contract';
import type { workerEvents } from '../../common/api/worker';
import type { Event } from '../../common/event';
import { DisposableStore } from '../../common/lifecycle';
import type { HardwareService } from '../hardware/hardware-service';
import type { TelemetryService } from '../hardware/telemetry-service';
import type { MarketHub } from '../market/market-hub';
import type { RenterModule } from '../market/renter/renter-module';
import type { AccessModule } from '../market/renter/access/access-module';
import type { SupplierModule } from '../market/supplier/supplier-module';
import type { SettingsStore } from '../settings/settings-store';
import type { WalletModule } from '../wallet/wallet-module';
import type { WorkerService } from '../worker/worker-service';

/**
 * The transport edge: the one place where services' typed events get the UI's event
 * names (common/api) and go onto the bus that both transports forward to the renderer.
 * Inside main, services listen to each other's typed events, never to these names.
 */

/** Anything UI events can be published to: the app's `EventBus<ApiEventMap>`, or a test's recorder. */
export interface UiEventSink<M> {
  emit<E extends keyof M>(event: E, data: M[E]): void;
}

/** The worker's slice of the UI events. */
export type WorkerEventMap = {
  [E in keyof typeof workerEvents]: (typeof workerEvents)[E] extends EventSpec<infer D> ? D : never;
};

/** Publishes every value of `event` as the UI event `name` until `store` is disposed. */
function forward<M, E extends keyof M>(store: DisposableStore, sink: UiEventSink<M>, event: Event<M[E]>, name: E): void {
  event((data) => sink.emit(name, data), store);
}

export function forwardWorkerEvents(worker: WorkerService, sink: UiEventSink<WorkerEventMap>, store = new DisposableStore()): DisposableStore {
  forward(store, sink, worker.onDidChangeJob, 'worker:job-changed');
  forward(store, sink, worker.onPullProgress, 'worker:pull-progress');
  forward(store, sink, worker.onJobLog, 'worker:job-log');
  forward(store, sink, worker.onDidChangeEngine, 'worker:engine');
  forward(store, sink, worker.onDoctorReport, 'worker:doctor');
  return store;
}

export interface UiEventSources {
  settings: SettingsStore;
  hardware: HardwareService;
  telemetry: TelemetryService;
  wallet: WalletModule;
  worker: WorkerService;
  hub: MarketHub;
  supplier: SupplierModule;
  renter: RenterModule;
  access: AccessModule;
}

/** Forwards every service event the UI knows to `sink`; dispose the returned store to stop. */
export function forwardUiEvents(s: UiEventSources, sink: UiEventSink<ApiEventMap>): DisposableStore {
  const store = new DisposableStore({ name: 'ui events' });
  forward(store, sink, s.settings.onDidChange, 'settings:changed');
  forward(store, sink, s.hardware.onDidDetect, 'hardware:snapshot');
  forward(store, sink, s.telemetry.onSamples, 'telemetry:samples');
  forward(store, sink, s.telemetry.onDidChangeStatus, 'telemetry:status');
  forward(store, sink, s.wallet.service.onDidChangeWallet, 'wallet:changed');
  forward(store, sink, s.wallet.service.onDidChangeBalances, 'wallet:balances');
  forward(store, sink, s.wallet.service.onDidRecordActivity, 'wallet:activity');
  forward(store, sink, s.wallet.network.onDidChange, 'network:changed');
  forward(store, sink, s.wallet.approvals.onDidRequest, 'wallet:confirm-request');
  forward(store, sink, s.wallet.approvals.onDidResolve, 'wallet:confirm-resolved');
  forwardWorkerEvents(s.worker, sink, store);
  forward(store, sink, s.hub.onDidChangeStatus, 'market:hub');
  forward(store, sink, s.supplier.onDidChangeStatus, 'lend:status');
  forward(store, sink, s.supplier.onNotice, 'lend:notice');
  forward(store, sink, s.supplier.onDidChangeEarnings, 'earnings:changed');
  forward(store, sink, s.renter.onDidChangeLease, 'rent:lease');
  forward(store, sink, s.renter.onLeaseEvent, 'rent:lease-event');
  forward(store, sink, s.renter.onDidChangeReceipts, 'rent:receipts-changed');
  forward(store, sink, s.access.onTerminalOutput, 'access:terminal-output');
  forward(store, sink, s.access.onTerminalClosed, 'access:terminal-closed');
  forward(store, sink, s.access.onDidChangeForwards, 'access:forwards');
  forward(store, sink, s.access.onTransfer, 'access:transfer');
  return store;
}
