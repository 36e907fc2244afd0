import type Database from 'better-sqlite3';
import { ApiError } from '../../../common/api/errors';
import type { rentCalls } from '../../../common/api/rent';
import type { EventBus } from '../../../common/event-bus';
import type { ApiEventMap } from '../../../common/api/contract';
import type { SettingsStore } from '../../settings/settings-store';
import type { DomainHandlers } from '../../transport/api-handlers';
import type { WalletModule } from '../../wallet/wallet-module';
import type { MarketHub } from '../market-hub';

export interface RenterModuleOptions {
  ledgerDb: Database.Database;
  settings: SettingsStore;
  events: EventBus<ApiEventMap>;
  hub: MarketHub;
  wallet: WalletModule;
  nowMs: () => number;
}

export interface RenterModule {
  readonly handlers: DomainHandlers<typeof rentCalls>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** PLACEHOLDER until the renter client lands: every call says so. */
export function createRenterModule(_options: RenterModuleOptions): RenterModule {
  const notYet = (): never => {
    throw new ApiError('unavailable', 'Renting is not built yet.');
  };
  return {
    handlers: {
      'rent:search': notYet,
      'rent:quote': notYet,
      'rent:pay': notYet,
      'rent:pay-next': notYet,
      'rent:leases': notYet,
      'rent:lease': notYet,
      'rent:extend': notYet,
      'rent:terminate': notYet,
      'rent:set-auto-pay': notYet,
      'rent:receipts': notYet,
    },
    async start() {},
    async stop() {},
  };
}
