import type { AlignedData } from 'uplot';
import type { ChartSeries } from '../../components/time-series-chart';
import { TimeSeriesChart } from '../../components/time-series-chart';
import { hasValues, pointCount } from './chart-data';
import type { ThermalChart } from './thermal-metrics';

interface ThermalChartGridProps {
  charts: readonly ThermalChart[];
  data: readonly AlignedData[];
  series: readonly ChartSeries[];
  live: boolean;
  /** The time span to show, in seconds. */
  xMin?: number;
  xMax?: number;
}

const EMPTY: AlignedData = [[]];

/** One chart per metric, one line per GPU; hovering one chart shows the same moment on all. */
export function ThermalChartGrid({ charts, data, series, live, xMin, xMax }: ThermalChartGridProps) {
  return (
    <div className="chart-grid">
      {charts.map((chart, i) => {
        const chartData = data[i] ?? EMPTY;
        // Only a chart that is empty while time passes needs its own note (no GPU has
        // a fan); when nothing has arrived at all, the view says so once, above the grid.
        const emptyMessage = pointCount(chartData) > 0 && !hasValues(chartData) ? chart.emptyMessage : null;
        return (
          <div className="card chart-card" key={chart.metric} data-metric={chart.metric}>
            <TimeSeriesChart
              title={chart.title}
              unit={chart.unit}
              data={chartData}
              series={series}
              decimals={chart.decimals}
              yRange={chart.yRange}
              zoomable={!live}
              syncKey="thermals"
              xMin={xMin}
              xMax={xMax}
              emptyMessage={emptyMessage}
              testId="thermals-chart"
            />
          </div>
        );
      })}
    </div>
  );
}
