import type { marketCalls } from '../../../common/api/market';
import type { DisposableStore } from '../../../common/lifecycle';
import type { DomainHandlers } from '../../transport/api-handlers';
import type { WalletModule } from '../../wallet/wallet-module';
import type { MarketHub } from '../market-hub';
import { ExplorerHistory } from './explorer-history';

/** How often the explorer samples the hub while someone looks (the UI polls `explorer:overview`). */
const MIN_SAMPLE_GAP_MS = 2_000;

/** The market's calls; the explorer's sampled history starts over when the hub changes (listened to until `store` is disposed). */
export function marketHandlers(hub: MarketHub, wallet: WalletModule, store: DisposableStore): DomainHandlers<typeof marketCalls> {
  const history = new ExplorerHistory();
  let lastHubUrl: string | null = null;
  hub.onDidChangeStatus((status) => {
    if (status.hubUrl !== lastHubUrl) history.clear();
    lastHubUrl = status.hubUrl;
  }, store);
  let lastSampleMs = 0;
  return {
    'market:hub': () => hub.status(),
    'market:reconnect': () => hub.reconnect(),
    'explorer:overview': async ({ payments }) => {
      const client = hub.publicClient();
      const [stats, recentPayments] = await Promise.all([client.explorerStats(), client.explorerPayments(payments)]);
      if (stats.atMs - lastSampleMs >= MIN_SAMPLE_GAP_MS) {
        history.add(stats);
        lastSampleMs = stats.atMs;
      }
      return { stats, history: history.list(), recentPayments, decimals: wallet.network.info().usdcDecimals };
    },
  };
}
