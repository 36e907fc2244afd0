import type { ApiClient } from '../../../common/api/client';
import { createAppStore } from './app-store';
import type { AppStore, AppStoreOptions } from './app-store';
import { createHardwareStore } from './hardware-store';
import type { HardwareStore } from './hardware-store';
import { createSettingsStore } from './settings-store';
import type { SettingsStore } from './settings-store';
import { createTelemetryStore } from './telemetry-store';
import type { TelemetryStore, TelemetryStoreOptions } from './telemetry-store';
import { createWalletStore } from './wallet-store';
import type { WalletStore } from './wallet-store';
import { createWorkerStore } from './worker-store';
import type { WorkerStore } from './worker-store';
import { createLendStore } from './lend-store';
import type { LendStore } from './lend-store';
import { createEarningsStore } from './earnings-store';
import type { EarningsStore } from './earnings-store';
import { createExplorerStore } from './explorer-store';
import type { ExplorerStore } from './explorer-store';
import { createMarketHubStore } from './market-hub-store';
import type { MarketHubStore } from './market-hub-store';
import { createRentStore } from './rent-store';
import type { RentStore } from './rent-store';
import { createAccessStore } from './access-store';
import type { AccessStore } from './access-store';

/** One store per domain. Later features add theirs here (wallet, lend, rent, …). */
export interface Stores {
  app: AppStore;
  hardware: HardwareStore;
  telemetry: TelemetryStore;
  settings: SettingsStore;
  wallet: WalletStore;
  worker: WorkerStore;
  lend: LendStore;
  earnings: EarningsStore;
  /** Polled only while the Explorer view is shown (`watch`), so not started here. */
  explorer: ExplorerStore;
  marketHub: MarketHubStore;
  rent: RentStore;
  /** The renter's terminals on its nodes (issue 12). */
  access: AccessStore;
}

export interface StoresOptions {
  app?: AppStoreOptions;
  telemetry?: TelemetryStoreOptions;
}

export function createStores(client: ApiClient, options: StoresOptions = {}): Stores {
  return {
    app: createAppStore(client, options.app),
    hardware: createHardwareStore(client),
    telemetry: createTelemetryStore(client, options.telemetry),
    settings: createSettingsStore(client),
    wallet: createWalletStore(client),
    worker: createWorkerStore(client),
    lend: createLendStore(client),
    earnings: createEarningsStore(client),
    explorer: createExplorerStore(client),
    marketHub: createMarketHubStore(client),
    rent: createRentStore(client),
    access: createAccessStore(client, typeof localStorage === 'undefined' ? null : localStorage),
  };
}

/**
 * Subscribes every store to its events and loads its first state; called once, from
 * main.tsx. After the connection comes back, events sent while it was down are lost,
 * so each store loads again rather than showing a stale picture.
 */
export function startStores(stores: Stores): () => void {
  const stops = [
    stores.app.getState().start(),
    stores.settings.getState().start(),
    stores.hardware.getState().start(),
    stores.telemetry.getState().start(),
    stores.wallet.getState().start(),
    stores.worker.getState().start(),
    stores.lend.getState().start(),
    stores.earnings.getState().start(),
    stores.marketHub.getState().start(),
    stores.rent.getState().start(),
    stores.access.getState().start(),
  ];
  const offReconnect = stores.app.subscribe((state, previous) => {
    if (previous.connection === 'disconnected' && state.connection === 'connected') {
      void stores.app.getState().loadInfo();
      void stores.settings.getState().load();
      void stores.hardware.getState().load();
      void stores.telemetry.getState().loadRecent();
      void stores.telemetry.getState().loadStatus();
      void stores.wallet.getState().load();
      void stores.worker.getState().load();
      void stores.lend.getState().load();
      void stores.earnings.getState().load();
      void stores.marketHub.getState().load();
      void stores.rent.getState().load();
    }
  });
  return () => {
    offReconnect();
    for (const stop of stops) stop();
  };
}
