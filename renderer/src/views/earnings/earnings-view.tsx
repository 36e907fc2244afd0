import './earnings-view.css';
import { useMemo, useState } from 'react';
import { useStores, useStoreState } from '../../app/store-hooks';
import { EmptyState } from '../../components/empty-state';
import { ErrorNotice } from '../../components/error-notice';
import { LoadingState } from '../../components/loading-state';
import { PageHeader } from '../../components/page-header';
import { TimeSeriesChart } from '../../components/time-series-chart';
import type { ChartSeries } from '../../components/time-series-chart';
import { hashFor } from '../../app/sections';
import { downloadTextFile } from '../../app/download-file';
import { earningsChartData } from './earnings-chart-data';
import { EarningsTable } from './earnings-table';
import { EarningsTotalsRow } from './earnings-totals';
import { ReconcileResult } from './reconcile-result';
import { usePaymentToken } from '../../wallet/use-payment-token';

const SERIES: readonly ChartSeries[] = [
  { label: 'Gross', colorIndex: 1 },
  { label: 'Net', colorIndex: 0 },
];

/** What lending this machine earned, net of electricity, each payment checkable on chain. */
export function EarningsView() {
  const { earnings } = useStores();
  const summary = useStoreState('earnings', (s) => s.summary);
  const paymentToken = usePaymentToken();
  const symbol = summary?.token ?? paymentToken.symbol;
  const rows = useStoreState('earnings', (s) => s.rows);
  const loading = useStoreState('earnings', (s) => s.loading);
  const error = useStoreState('earnings', (s) => s.error);
  const busy = useStoreState('earnings', (s) => s.busy);
  const report = useStoreState('earnings', (s) => s.reconcile);
  const [showReport, setShowReport] = useState(true);
  const actions = earnings.getState();
  const chartData = useMemo(() => (summary ? earningsChartData(summary.days, summary.decimals) : null), [summary]);

  const exportCsv = async () => {
    const csv = await actions.exportCsv();
    if (csv) downloadTextFile(csv.filename, csv.csv);
  };
  const reconcile = async () => {
    setShowReport(true);
    await actions.runReconcile();
  };

  const empty = !loading && summary !== null && rows.length === 0;
  return (
    <div className="view" data-testid="view-earnings">
      <PageHeader
        title="Earnings"
        subtitle={`What lending this machine earned, net of electricity. Every payment is a ${symbol} transfer you can check on chain.`}
        actions={
          <>
            <button type="button" className="button" disabled={busy !== null || rows.length === 0} onClick={() => void reconcile()} data-testid="earnings-reconcile">
              {busy === 'reconcile' ? 'Checking…' : 'Reconcile with chain'}
            </button>
            <button type="button" className="button" disabled={busy !== null || rows.length === 0} onClick={() => void exportCsv()} data-testid="earnings-export-csv">
              {busy === 'export' ? 'Exporting…' : 'Export CSV'}
            </button>
          </>
        }
      />

      {error ? <ErrorNotice title="Earnings" message={error} onRetry={() => void actions.load()} onDismiss={summary ? () => actions.dismissError() : undefined} /> : null}
      {report && showReport ? <ReconcileResult report={report} onClose={() => setShowReport(false)} /> : null}

      {loading && !summary ? <LoadingState message="Loading earnings…" /> : null}

      {summary ? (
        <section className="section" aria-label="Totals">
          <EarningsTotalsRow summary={summary} />
        </section>
      ) : null}

      {empty ? (
        <EmptyState
          icon="earnings"
          title="No earnings yet"
          testId="earnings-empty"
          description="Start sharing on Lend to earn: each payment a renter makes for your GPUs appears here with its signature, GPU-hours and energy, net of electricity."
        >
          <a className="button button-primary" href={hashFor('lend')} data-testid="earnings-go-lend">
            Go to Lend
          </a>
        </EmptyState>
      ) : null}

      {summary && chartData && rows.length > 0 ? (
        <section className="section" aria-labelledby="earnings-chart-title">
          <div className="section-head">
            <h2 className="section-title" id="earnings-chart-title">
              Per day
            </h2>
            <span className="section-meta">Last {summary.days.length} days · gross and net of electricity</span>
          </div>
          <div className="card chart-card">
            <TimeSeriesChart title="Earned per day" unit={symbol} data={chartData} series={SERIES} decimals={2} height={200} kind="bars" testId="earnings-chart" />
            <p className="chart-legend">
              <span className="legend-swatch legend-series-2" /> Gross <span className="legend-swatch legend-series-1" /> Net
            </p>
          </div>
        </section>
      ) : null}

      {rows.length > 0 ? (
        <section className="section" aria-labelledby="earnings-payments-title">
          <div className="section-head">
            <h2 className="section-title" id="earnings-payments-title">
              Payments
            </h2>
            <span className="section-meta">{rows.length} shown, newest first</span>
          </div>
          <EarningsTable rows={rows} token={summary ? { symbol: summary.token, decimals: summary.decimals } : paymentToken} />
        </section>
      ) : null}
    </div>
  );
}
