import type { marketCalls } from '../../../common/api/market';
import type { DomainHandlers } from '../../transport/api-handlers';
import type { MarketHub } from '../market-hub';
import { certificateOf } from '../hub-tls';
import type { ExplorerService } from './explorer-service';

export function marketHandlers(hub: MarketHub, explorer: ExplorerService): DomainHandlers<typeof marketCalls> {
  return {
    'market:hub': () => hub.status(),
    'market:reconnect': () => hub.reconnect(),
    'market:sign-out': () => hub.signOut(),
    'market:hub-certificate': ({ hubUrl }) => certificateOf(hubUrl),
    'explorer:overview': ({ payments }) => explorer.overview(payments),
  };
}
