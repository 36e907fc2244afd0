/**
 * Colours for charts, read from the CSS variables of the theme in force: uPlot
 * paints on a canvas, which CSS cannot restyle, so a theme change re-creates charts.
 */
export interface ChartTheme {
  axis: string;
  grid: string;
  text: string;
  series: string[];
}

const SERIES_COUNT = 12;

export function readChartTheme(): ChartTheme {
  const style = getComputedStyle(document.documentElement);
  const read = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
  return {
    axis: read('--chart-axis', '#8b95a3'),
    grid: read('--chart-grid', 'rgba(255,255,255,0.06)'),
    text: read('--text-muted', '#9aa4b2'),
    series: Array.from({ length: SERIES_COUNT }, (_, i) => read(`--series-${i + 1}`, '#5eead4')),
  };
}
