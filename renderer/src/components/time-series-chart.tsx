import './time-series-chart.css';
import { useContext, useEffect, useRef } from 'react';
import uPlot from 'uplot';
import type { AlignedData, Options } from 'uplot';
import { ThemeContext } from '../app/theme-context';
import { readChartTheme } from './chart-theme';
import { tooltipPlugin } from './chart-tooltip-plugin';
import { timeTickLabels } from './time-axis';
import type { ChartTheme } from './chart-theme';

export interface ChartSeries {
  label: string;
  /** Index into the theme's series palette, so a GPU keeps its colour on every chart. */
  colorIndex: number;
}

interface TimeSeriesChartProps {
  title: string;
  unit: string;
  data: AlignedData;
  /** Must be a stable array (memoised): a new one re-creates the chart. */
  series: readonly ChartSeries[];
  decimals?: number;
  yRange?: [number, number];
  height?: number;
  /** Live charts must not be zoomable: each new sample would reset the zoom anyway. */
  zoomable?: boolean;
  /** Charts with the same key share the hover cursor. */
  syncKey?: string;
  /**
   * The time span to show, in seconds; without it the axis fits the data. Live charts
   * pass a sliding window and history charts the whole range, so four minutes of
   * stored history look like four minutes of a day, not like a day.
   */
  xMin?: number;
  xMax?: number;
  /** Shown over the plot when there is nothing to draw, e.g. no GPU reports a fan. */
  emptyMessage?: string | null;
  /**
   * 'line' for samples of something continuous (temperatures); 'bars' for totals per
   * period (earnings per day), where a line would draw one day as a ramp from the day before.
   */
  kind?: 'line' | 'bars';
  testId?: string;
}

/**
 * A uPlot line chart, one series per GPU. The plot is created once and fed with
 * `setData` on each update: building a uPlot is far dearer than redrawing one, and
 * the Thermals view updates six charts every second. It follows its container's
 * width and is destroyed on unmount.
 */
export function TimeSeriesChart({
  title,
  unit,
  data,
  series,
  decimals = 0,
  yRange,
  height = 180,
  zoomable = false,
  syncKey,
  xMin,
  xMax,
  emptyMessage,
  kind = 'line',
  testId,
}: TimeSeriesChartProps) {
  const theme = useContext(ThemeContext);
  const hostRef = useRef<HTMLDivElement>(null);
  const plotRef = useRef<uPlot | null>(null);
  const dataRef = useRef<AlignedData>(data);
  // Read by the x scale's range function at each redraw, so a new window needs no new plot.
  const xRangeRef = useRef<[number, number] | null>(null);
  const yMin = yRange?.[0];
  const yMax = yRange?.[1];

  // Declared before the creation effect so a chart re-created in the same commit
  // starts from the newest data.
  useEffect(() => {
    dataRef.current = data;
    xRangeRef.current = xMin !== undefined && xMax !== undefined && xMax > xMin ? [xMin, xMax] : null;
    plotRef.current?.setData(data);
  }, [data, xMin, xMax]);

  useEffect(() => {
    const host = hostRef.current;
    if (!host) return;
    const options = chartOptions({
      width: Math.max(host.clientWidth, 200),
      height,
      series,
      unit,
      decimals,
      yRange: yMin !== undefined && yMax !== undefined ? [yMin, yMax] : undefined,
      zoomable,
      syncKey,
      colors: readChartTheme(),
      xRange: () => xRangeRef.current,
      kind,
    });
    const plot = new uPlot(options, dataRef.current, host);
    plotRef.current = plot;

    const resize = new ResizeObserver(() => {
      const width = host.clientWidth;
      if (width > 0 && width !== plot.width) plot.setSize({ width, height });
    });
    resize.observe(host);

    return () => {
      resize.disconnect();
      plot.destroy();
      plotRef.current = null;
    };
    // `theme` is not read here, but the colours readChartTheme() finds depend on it.
  }, [series, unit, decimals, yMin, yMax, height, zoomable, syncKey, theme, kind]);

  const points = data[0]?.length ?? 0;
  return (
    <figure className="chart" data-testid={testId} data-samples={points}>
      <figcaption className="chart-title">
        {title} <span className="chart-unit">{unit}</span>
      </figcaption>
      <div className="chart-body">
        <div className="chart-host" ref={hostRef} />
        {emptyMessage ? <p className="chart-overlay">{emptyMessage}</p> : null}
      </div>
    </figure>
  );
}

interface ChartOptionsInput {
  width: number;
  height: number;
  series: readonly ChartSeries[];
  unit: string;
  decimals: number;
  yRange: [number, number] | undefined;
  zoomable: boolean;
  syncKey: string | undefined;
  colors: ChartTheme;
  xRange: () => [number, number] | null;
  kind: 'line' | 'bars';
}

function chartOptions(input: ChartOptionsInput): Options {
  const { colors } = input;
  const formatValue = (value: number | null | undefined) =>
    value === null || value === undefined ? '—' : `${value.toFixed(input.decimals)} ${input.unit}`;
  const axis = {
    stroke: colors.axis,
    grid: { stroke: colors.grid, width: 1 },
    ticks: { stroke: colors.grid, width: 1, size: 4 },
    font: '11px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
  };
  // A lone GPU gets a soft fill under its line; with several, fills only muddy each other.
  const fill = input.series.length === 1;
  const seriesColors = input.series.map((s) => colors.series[s.colorIndex % colors.series.length] ?? colors.axis);

  return {
    width: input.width,
    height: input.height,
    padding: [8, 8, 0, 0],
    cursor: {
      drag: { x: input.zoomable, y: false },
      ...(input.syncKey ? { sync: { key: input.syncKey } } : {}),
    },
    // The per-GPU table is the legend (same colours); hover values come from the tooltip.
    legend: { show: false },
    plugins: [
      tooltipPlugin(
        input.series.map((s, i) => ({ label: s.label, color: seriesColors[i] ?? colors.axis })),
        formatValue,
      ),
    ],
    scales: {
      x: { time: true, range: (u, min, max) => input.xRange() ?? (input.kind === 'bars' ? barsRange(u, min, max) : [min, max]) },
      // Percentages keep 0–100; the rest take uPlot's own padded range, which
      // also copes with a flat line.
      y: input.yRange ? { range: input.yRange } : {},
    },
    axes: [
      {
        ...axis,
        size: 30,
        space: 48,
        values: (_u, ticks, _axis, _space, increment) => timeTickLabels(ticks, increment),
      },
      { ...axis, size: 48 },
    ],
    series: [
      { label: 'Time' },
      ...input.series.map((s, i) => {
        const color = seriesColors[i] ?? colors.axis;
        if (input.kind === 'bars') {
          // Side by side within each period: the first series left of the tick, the next right.
          const align = input.series.length === 1 ? 0 : i === 0 ? -1 : 1;
          return {
            label: s.label,
            stroke: color,
            width: 1,
            fill: withAlpha(color, 0.7),
            points: { show: false },
            paths: uPlot.paths.bars!({ size: [input.series.length === 1 ? 0.6 : 0.35, 40], align }),
          };
        }
        return {
          label: s.label,
          stroke: color,
          width: 1.5,
          points: { show: false },
          spanGaps: false,
          ...(fill ? { fill: withAlpha(color, 0.12) } : {}),
        };
      }),
    ],
  };
}

/** `#rrggbb` → `rgba(…, alpha)`; other colour forms are returned as they are. */
function withAlpha(color: string, alpha: number): string {
  const match = /^#([0-9a-f]{6})$/i.exec(color);
  if (!match) return color;
  const n = parseInt(match[1]!, 16);
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
}

/** Half a period on each side, so the first and last periods' bars are drawn whole. */
function barsRange(u: uPlot, min: number, max: number): [number, number] {
  const xs = u.data[0];
  const step = xs.length > 1 ? (xs[1]! - xs[0]!) : 86_400;
  return [min - step / 2, max + step / 2];
}
