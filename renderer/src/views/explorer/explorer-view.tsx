import './explorer-view.css';
import { useMemo } from 'react';
import { useStores, useStoreState, useWhileMounted } from '../../app/store-hooks';
import { ErrorNotice } from '../../components/error-notice';
import { LoadingState } from '../../components/loading-state';
import { MarketHubStatusLine } from '../../app/market-hub-status-line';
import { PageHeader } from '../../components/page-header';
import { StatTile } from '../../components/stat-tile';
import { TimeSeriesChart } from '../../components/time-series-chart';
import type { ChartSeries } from '../../components/time-series-chart';
import { formatShare } from '../../format/market-format';
import { formatClockTime } from '../../format/time-format';
import { gpusChartData, utilisationChartData } from './explorer-chart-data';
import { ExplorerPaymentsTable } from './explorer-payments-table';
import { GpuModelsBars } from './gpu-models-bars';
import { usePaymentToken } from '../../wallet/use-payment-token';
import { Money } from '../../components/money';

const GPU_SERIES: readonly ChartSeries[] = [
  { label: 'Online', colorIndex: 1 },
  { label: 'Leased', colorIndex: 0 },
];
const UTILISATION_SERIES: readonly ChartSeries[] = [{ label: 'Utilisation', colorIndex: 2 }];
const PERCENT: [number, number] = [0, 100];

/** The network this app's hub serves, at a glance: polled while this view is shown. */
export function ExplorerView() {
  const hubError = useStoreState('marketHub', (s) => s.hub?.error ?? null);
  const overview = useStoreState('explorer', (s) => s.overview);
  const paymentToken = usePaymentToken();
  const loading = useStoreState('explorer', (s) => s.loading);
  const error = useStoreState('explorer', (s) => s.error);
  const lastLoadedAtMs = useStoreState('explorer', (s) => s.lastLoadedAtMs);

  const { explorer } = useStores();
  useWhileMounted('explorer', 'watch');

  const history = overview?.history;
  const gpus = useMemo(() => (history ? gpusChartData(history) : null), [history]);
  const utilisation = useMemo(() => (history ? utilisationChartData(history) : null), [history]);
  const fewSamples = (history?.length ?? 0) < 2 ? 'The hub has too few samples yet: its series fills in as it runs (one point a minute).' : null;
  // Too few samples to span anything: show the last ten minutes, not an axis of arbitrary dates.
  const nowS = (lastLoadedAtMs ?? 0) / 1000;
  const xWindow = fewSamples ? { xMin: nowS - 600, xMax: nowS } : {};
  // A count axis from 0 with headroom; uPlot's own range turns a flat 0 into 0–100.
  const mostGpus = history?.reduce((m, s) => Math.max(m, s.gpusOnline), 0) ?? 0;
  const gpusRange = useMemo<[number, number]>(() => [0, Math.max(4, Math.ceil(mostGpus * 1.2))], [mostGpus]);
  const stats = overview?.stats;
  const token = useMemo(() => (overview ? { symbol: overview.token, decimals: overview.decimals } : paymentToken), [overview, paymentToken]);

  return (
    <div className="view" data-testid="view-explorer">
      <PageHeader
        title="Explorer"
        subtitle="The network at a glance: GPUs online and leased, utilisation, volume paid and the latest payments."
        actions={lastLoadedAtMs ? <span className="muted small">Updated {formatClockTime(lastLoadedAtMs)}</span> : null}
      />

      <section className="card explorer-hub" aria-label="Market hub">
        <MarketHubStatusLine compact />
      </section>

      {/* The hub line above already says why when the hub itself is down. */}
      {error && error !== hubError ? <ErrorNotice title="The explorer could not be updated" message={error} onRetry={() => void explorer.getState().load()} /> : null}
      {loading && !overview ? <LoadingState message="Asking the hub for its numbers…" /> : null}

      {stats ? (
        <>
          <section className="section" aria-label="Now">
            <div className="stat-tiles">
              <StatTile label="GPUs online" value={stats.gpusOnline} detail={`on ${stats.workersOnline} machine${stats.workersOnline === 1 ? '' : 's'}`} testId="explorer-gpus-online" />
              <StatTile label="GPUs leased" value={stats.gpusLeased} detail={`${formatShare(stats.utilisation)} utilisation`} testId="explorer-gpus-leased" />
              <StatTile label="Leases running" value={stats.leasesRunning} detail={`${stats.leasesActive} active in all`} testId="explorer-leases-running" />
              <StatTile label="Paid, last 24 h" value={<Money baseUnits={stats.volumePaid24h} token={token} />} testId="explorer-volume-24h" />
              <StatTile label="Paid, all time" value={<Money baseUnits={stats.volumePaidAllTime} token={token} />} testId="explorer-volume-all-time" />
            </div>
          </section>

          <section className="section" aria-labelledby="explorer-charts-title">
            <div className="section-head">
              <h2 className="section-title" id="explorer-charts-title">
                Over time
              </h2>
              <span className="section-meta">Sampled by this app every few seconds</span>
            </div>
            <div className="explorer-charts">
              <div className="card chart-card">
                {gpus ? <TimeSeriesChart title="GPUs online and leased" unit="GPUs" data={gpus} series={GPU_SERIES} yRange={gpusRange} {...xWindow} emptyMessage={fewSamples} testId="explorer-chart-gpus" /> : null}
                <p className="chart-legend">
                  <span className="legend-swatch legend-series-2" /> Online <span className="legend-swatch legend-series-1" /> Leased
                </p>
              </div>
              <div className="card chart-card">
                {utilisation ? <TimeSeriesChart title="Utilisation" unit="%" data={utilisation} series={UTILISATION_SERIES} yRange={PERCENT} {...xWindow} emptyMessage={fewSamples} testId="explorer-chart-utilisation" /> : null}
                <p className="chart-legend">Leased GPUs over online GPUs</p>
              </div>
            </div>
          </section>

          <section className="section" aria-labelledby="explorer-models-title">
            <div className="section-head">
              <h2 className="section-title" id="explorer-models-title">
                GPUs by model
              </h2>
              <span className="section-meta">
                <span className="legend-swatch legend-series-2" /> online <span className="legend-swatch legend-series-1" /> leased
              </span>
            </div>
            <div className="card">
              <GpuModelsBars byModel={stats.byModel} />
            </div>
          </section>

          <section className="section" aria-labelledby="explorer-payments-title">
            <div className="section-head">
              <h2 className="section-title" id="explorer-payments-title">
                Recent payments
              </h2>
              <span className="section-meta">Verified by the hub on chain</span>
            </div>
            <ExplorerPaymentsTable payments={overview.recentPayments} token={token} />
          </section>
        </>
      ) : null}
    </div>
  );
}
