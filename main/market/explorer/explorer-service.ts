import { DisposableStore } from '../../../common/lifecycle';
import type { ExplorerOverview } from '../../../common/market/market-hub-types';
import type { WalletModule } from '../../wallet/wallet-module';
import type { MarketHub } from '../market-hub';
import { ExplorerHistory } from './explorer-history';

export interface ExplorerServiceDeps {
  hub: MarketHub;
  wallet: WalletModule;
}

/** How often the explorer samples the hub while someone looks (the UI polls `explorer:overview`). */
const MIN_SAMPLE_GAP_MS = 2_000;

/**
 * The Explorer's view of the current hub: its stats and recent payments, and a line of the
 * stats sampled while someone looks (the hub only keeps the snapshot). The line starts
 * over when the app follows another hub, so two hubs never share a chart.
 */
export class ExplorerService {
  private readonly history = new ExplorerHistory();
  private lastHubUrl: string | null = null;
  private lastSampleMs = 0;
  private readonly disposables = new DisposableStore({ name: 'explorer' });

  constructor(private readonly d: ExplorerServiceDeps) {
    d.hub.onDidChangeStatus((status) => {
      if (status.hubUrl !== this.lastHubUrl) this.history.clear();
      this.lastHubUrl = status.hubUrl;
    }, this.disposables);
  }

  async overview(payments: number): Promise<ExplorerOverview> {
    const client = this.d.hub.publicClient();
    const [stats, recentPayments] = await Promise.all([client.explorerStats(), client.explorerPayments(payments)]);
    if (stats.atMs - this.lastSampleMs >= MIN_SAMPLE_GAP_MS) {
      this.history.add(stats);
      this.lastSampleMs = stats.atMs;
    }
    return { stats, history: this.history.list(), recentPayments, token: this.d.wallet.network.info().token, decimals: this.d.wallet.network.info().decimals };
  }

  dispose(): Promise<void> {
    return this.disposables.dispose();
  }
}
