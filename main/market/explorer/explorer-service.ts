import { DisposableStore } from '../../../common/lifecycle';
import type { ExplorerSeriesPoint } from '../../../common/hub/http-api';
import type { ExplorerOverview, ExplorerSample } from '../../../common/market/market-hub-types';
import type { WalletModule } from '../../wallet/wallet-module';
import type { MarketHub } from '../market-hub';

export interface ExplorerServiceDeps {
  hub: MarketHub;
  wallet: WalletModule;
}

/** How far back the charts reach: the hub keeps fine points for a day and hourly ones after. */
const SERIES_SPAN_MS = 7 * 24 * 3_600_000;

/**
 * The Explorer's view of the current hub: its stats, recent payments and the hub's own
 * series (the hub samples itself and rolls old points up, so the charts show the hub's
 * history, not only the minutes this view was open), ending at the current numbers. A hub
 * too old to keep series gives just those.
 */
export class ExplorerService {
  private readonly disposables = new DisposableStore({ name: 'explorer' });

  constructor(private readonly d: ExplorerServiceDeps) {}

  async overview(payments: number): Promise<ExplorerOverview> {
    const client = this.d.hub.publicClient();
    const [stats, recentPayments, series] = await Promise.all([
      client.explorerStats(),
      client.explorerPayments(payments),
      client.explorerSeries(Date.now() - SERIES_SPAN_MS).catch(() => null),
    ]);
    // The hub's line, ending at the numbers of this moment.
    const history: ExplorerSample[] = series ? series.points.map(toSample) : [];
    if ((history.at(-1)?.atMs ?? -1) < stats.atMs) history.push(toSample(stats));
    return { stats, history, recentPayments, token: this.d.wallet.network.info().token, decimals: this.d.wallet.network.info().decimals };
  }

  dispose(): Promise<void> {
    return this.disposables.dispose();
  }
}

function toSample(p: Pick<ExplorerSeriesPoint, 'atMs' | 'gpusOnline' | 'gpusLeased' | 'utilisation' | 'leasesRunning' | 'volumePaidAllTime'>): ExplorerSample {
  return { atMs: p.atMs, gpusOnline: p.gpusOnline, gpusLeased: p.gpusLeased, utilisation: p.utilisation, leasesRunning: p.leasesRunning, volumePaidAllTime: p.volumePaidAllTime };
}
