import type { marketCalls } from '../../common/api/market';
import { DisposableStore } from '../../common/lifecycle';
import type { Module } from '../app/module';
import type { DomainHandlers } from '../transport/api-handlers';
import { marketHandlers } from './explorer/explorer-handlers';
import { ExplorerService } from './explorer/explorer-service';
import { MarketHub } from './market-hub';
import type { MarketHubDeps } from './market-hub';

export interface MarketModule extends Module {
  /** The hub the market talks to (embedded on Sandbox, a private grid's otherwise). */
  readonly hub: MarketHub;
  readonly handlers: DomainHandlers<typeof marketCalls>;
}

/** The market's hub and the explorer's calls, for the composition root. */
export function createMarketModule(options: MarketHubDeps): MarketModule {
  const disposables = new DisposableStore({ name: 'market' });
  const hub = new MarketHub(options);
  const explorer = disposables.add(new ExplorerService({ hub, wallet: options.wallet }));
  const handlers = marketHandlers(hub, explorer);
  return {
    hub,
    handlers,
    start: () => hub.start(),
    async dispose() {
      await disposables.dispose();
      await hub.dispose();
    },
  };
}
