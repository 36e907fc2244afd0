import './thermals-view.css';
import { useEffect, useMemo, useState } from 'react';
import type { AlignedData } from 'uplot';
import type { TelemetrySample } from '../../../../common/hardware/gpu';
import { HISTORY_RANGE_MS } from '../../../../common/hardware/history';
import { LIVE_WINDOW_MS } from '../../stores/telemetry-buffer';
import { useSettingsOrDefaults, useStores, useStoreState } from '../../app/store-hooks';
import { EmptyState } from '../../components/empty-state';
import { ErrorNotice } from '../../components/error-notice';
import { LoadingState } from '../../components/loading-state';
import { PageHeader } from '../../components/page-header';
import { SegmentedControl } from '../../components/segmented-control';
import type { ChartSeries } from '../../components/time-series-chart';
import { historyChartData, liveChartData, pointCount } from './chart-data';
import { CurrentReadingsTable } from './current-readings-table';
import { TelemetryStatusLine } from './telemetry-status-line';
import { ThermalChartGrid } from './thermal-chart-grid';
import { thermalCharts } from './thermal-metrics';
import { trackedGpus } from './tracked-gpus';
import { HISTORY_REFRESH_MS, RANGE_DESCRIPTIONS, VIEW_RANGE_OPTIONS } from './view-range';
import type { ViewRange } from './view-range';

const EMPTY_SERIES: never[] = [];

export function ThermalsView() {
  const { telemetry } = useStores();
  const [range, setRange] = useState<ViewRange>('live');
  const snapshot = useStoreState('hardware', (s) => s.snapshot);
  const hardwareLoading = useStoreState('hardware', (s) => s.loading);
  const live = useStoreState('telemetry', (s) => s.live);
  const latest = useStoreState('telemetry', (s) => s.latest);
  const liveLoading = useStoreState('telemetry', (s) => s.liveLoading);
  const liveError = useStoreState('telemetry', (s) => s.liveError);
  const status = useStoreState('telemetry', (s) => s.status);
  const statusError = useStoreState('telemetry', (s) => s.statusError);
  const history = useStoreState('telemetry', (s) => (range === 'live' ? null : s.history[range]));
  const { temperatureUnit, telemetryEnabled } = useSettingsOrDefaults();

  // Fetch a history range when it is picked, and again now and then while it is shown.
  useEffect(() => {
    if (range === 'live') return;
    const load = () => void telemetry.getState().loadHistory(range);
    load();
    const timer = setInterval(load, HISTORY_REFRESH_MS[range]);
    return () => clearInterval(timer);
  }, [range, telemetry]);

  const historySeries = history?.series ?? EMPTY_SERIES;

  // A string key, so the GPU list (and each GPU's colour) only changes when the set of
  // GPUs does, not with every sample.
  const telemetryGpuKey = useMemo(() => {
    const fromLive = Object.values(latest).map((s) => `${s.gpuUuid}:${s.gpuIndex}`);
    const fromHistory = range === 'live' ? [] : historySeries.map((s) => `${s.gpuUuid}:`);
    return [...fromLive, ...fromHistory].sort().join(',');
  }, [latest, historySeries, range]);

  const gpus = useMemo(() => {
    const telemetryGpus = telemetryGpuKey
      ? telemetryGpuKey.split(',').map((entry) => {
          const [uuid = '', index = ''] = entry.split(':');
          return { uuid, index: index === '' ? null : Number(index) };
        })
      : [];
    return trackedGpus(snapshot?.gpus ?? [], telemetryGpus);
  }, [snapshot, telemetryGpuKey]);

  const series = useMemo<ChartSeries[]>(() => gpus.map((g, i) => ({ label: g.label, colorIndex: i })), [gpus]);
  const charts = useMemo(() => thermalCharts(temperatureUnit), [temperatureUnit]);

  const chartData = useMemo<AlignedData[]>(() => {
    const uuids = gpus.map((g) => g.uuid);
    return charts.map((chart) =>
      range === 'live'
        ? liveChartData(live, uuids, chart.metric, chart.convert)
        : historyChartData(historySeries, uuids, chart.metric, chart.convert),
    );
  }, [charts, gpus, live, historySeries, range]);

  const limits = useMemo(
    () =>
      Object.fromEntries(
        (snapshot?.gpus ?? []).map((g) => [g.uuid, { powerLimitW: g.powerLimitW, vramTotalMiB: g.vramTotalMiB }]),
      ),
    [snapshot],
  );

  const points = chartData[0] ? pointCount(chartData[0]) : 0;
  const span = chartSpan(range, chartData[0], history?.fetchedAtMs ?? null);
  const noGpus = snapshot !== null && gpus.length === 0;

  return (
    <div className="view" data-testid="view-thermals">
      <PageHeader
        title="Thermals"
        subtitle={`Temperature, power, load, VRAM, fan and clock of every GPU: ${RANGE_DESCRIPTIONS[range]}.`}
        actions={
          noGpus ? null : (
            <SegmentedControl
              legend="Time range"
              options={VIEW_RANGE_OPTIONS}
              value={range}
              onChange={setRange}
              testId="thermals-range"
            />
          )
        }
      />

      <TelemetryStatusLine
        status={status}
        statusError={statusError}
        lastSampleAtMs={newestSampleMs(status?.lastSampleAtMs ?? null, latest)}
        telemetryEnabled={telemetryEnabled}
        expected={!noGpus}
      />

      {hardwareLoading && !snapshot && gpus.length === 0 ? <LoadingState message="Looking for GPUs…" /> : null}

      {noGpus ? (
        <EmptyState
          icon="thermals"
          title="No GPU to watch"
          testId="thermals-empty"
          description="Thermals charts the temperature, power draw, load, VRAM and fan of each GPU once a second, live and over the last hour, day and week. No supported GPU was found on this machine; Home shows what detection found and how to fix it."
        >
          <a className="button" href="#/home">
            Open Home
          </a>
        </EmptyState>
      ) : null}

      {gpus.length > 0 ? (
        <>
          <CurrentReadingsTable gpus={gpus} latest={latest} limits={limits} temperatureUnit={temperatureUnit} />

          {range === 'live' && liveError ? (
            <ErrorNotice
              title="Recent samples could not be loaded"
              message={liveError}
              onRetry={() => void telemetry.getState().loadRecent()}
            />
          ) : null}
          {range !== 'live' && history?.error ? (
            <ErrorNotice
              title="History could not be loaded"
              message={history.error}
              onRetry={() => void telemetry.getState().loadHistory(range)}
            />
          ) : null}

          {points === 0 ? (
            <p className="chart-empty-note" data-testid="thermals-no-data">
              {emptyNote(range, {
                liveLoading,
                historyLoading: history?.loading ?? false,
                running: status?.state === 'running',
                telemetryEnabled,
              })}
            </p>
          ) : null}

          <ThermalChartGrid
            charts={charts}
            data={chartData}
            series={series}
            live={range === 'live'}
            xMin={span?.[0]}
            xMax={span?.[1]}
          />
        </>
      ) : null}
    </div>
  );
}

/**
 * The time axis, in seconds: live slides a ten-minute window ending at the newest
 * point; a history range ends when it was fetched and reaches back the whole range.
 */
function chartSpan(range: ViewRange, data: AlignedData | undefined, fetchedAtMs: number | null): [number, number] | null {
  if (range === 'live') {
    const xs = data?.[0];
    const last = xs && xs.length > 0 ? xs[xs.length - 1] : undefined;
    return last === undefined ? null : [last - LIVE_WINDOW_MS / 1000, last];
  }
  if (fetchedAtMs === null) return null;
  const end = fetchedAtMs / 1000;
  return [end - HISTORY_RANGE_MS[range] / 1000, end];
}

/** Status events do not come with every sample; the newest sample is fresher. */
function newestSampleMs(fromStatus: number | null, latest: Readonly<Record<string, TelemetrySample>>): number | null {
  let newest = fromStatus;
  for (const s of Object.values(latest)) if (newest === null || s.tMs > newest) newest = s.tMs;
  return newest;
}

function emptyNote(
  range: ViewRange,
  state: { liveLoading: boolean; historyLoading: boolean; running: boolean; telemetryEnabled: boolean },
): string {
  if (!state.telemetryEnabled) return 'Telemetry is turned off, so nothing is being recorded. Turn it on in Settings.';
  if (range === 'live') {
    if (state.liveLoading) return 'Loading the last ten minutes…';
    return state.running
      ? 'Waiting for the first sample; one arrives every second.'
      : 'No samples: the sampler is not running. Its status above says why.';
  }
  if (state.historyLoading) return 'Loading history…';
  return 'Nothing stored for this range yet. Idlegrid records telemetry while it runs.';
}
