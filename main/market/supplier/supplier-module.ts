import type Database from 'better-sqlite3';
import { ApiError } from '../../../common/api/errors';
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
}

export interface SupplierModule {
  readonly handlers: DomainHandlers<typeof lendCalls>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** PLACEHOLDER until the supplier session lands: every call says so. */
export function createSupplierModule(_options: SupplierModuleOptions): SupplierModule {
  const notYet = (): never => {
    throw new ApiError('unavailable', 'Lending is not built yet.');
  };
  return {
    handlers: {
      'lend:status': notYet,
      'lend:terms': notYet,
      'lend:set-terms': notYet,
      'lend:start-sharing': notYet,
      'lend:stop-sharing': notYet,
      'lend:market-median': notYet,
      'earnings:summary': notYet,
      'earnings:list': notYet,
      'earnings:export-csv': notYet,
      'earnings:reconcile': notYet,
    },
    async start() {},
    async stop() {},
  };
}
