import type uPlot from 'uplot';

export interface TooltipSeries {
  label: string;
  color: string;
}

/**
 * A floating box with every GPU's value at the hovered time, in place of uPlot's
 * legend: with eight GPUs the legend takes more room than the chart. Only the chart
 * under the pointer shows it, although all charts move their cursor together.
 * Built with DOM nodes and textContent, never innerHTML.
 */
export function tooltipPlugin(series: readonly TooltipSeries[], formatValue: (value: number | null) => string): uPlot.Plugin {
  let tip: HTMLDivElement | null = null;
  let hovered = false;

  function hide(): void {
    if (tip) tip.style.display = 'none';
  }

  return {
    hooks: {
      init: (u) => {
        tip = document.createElement('div');
        tip.className = 'chart-tooltip';
        tip.style.display = 'none';
        u.over.appendChild(tip);
        u.over.addEventListener('mouseenter', () => {
          hovered = true;
        });
        u.over.addEventListener('mouseleave', () => {
          hovered = false;
          hide();
        });
      },
      setCursor: (u) => {
        const idx = u.cursor.idx;
        const left = u.cursor.left ?? -1;
        if (!tip || !hovered || idx === null || idx === undefined || left < 0) {
          hide();
          return;
        }
        const xs = u.data[0];
        const t = xs[idx];
        if (t === undefined) {
          hide();
          return;
        }
        const spanSec = xs.length > 1 ? (xs[xs.length - 1] ?? 0) - (xs[0] ?? 0) : 0;

        const rows: HTMLElement[] = [];
        const time = document.createElement('div');
        time.className = 'chart-tooltip-time';
        time.textContent = formatTime(t, spanSec);
        rows.push(time);
        series.forEach((s, i) => {
          const raw = u.data[i + 1]?.[idx];
          const row = document.createElement('div');
          row.className = 'chart-tooltip-row';
          const swatch = document.createElement('span');
          swatch.className = 'chart-tooltip-swatch';
          swatch.style.background = s.color;
          const label = document.createElement('span');
          label.className = 'chart-tooltip-label';
          label.textContent = s.label;
          const value = document.createElement('span');
          value.className = 'chart-tooltip-value';
          value.textContent = formatValue(raw ?? null);
          row.append(swatch, label, value);
          rows.push(row);
        });
        tip.replaceChildren(...rows);
        tip.style.display = 'block';

        // Keep the box inside the plot: flip to the left of the cursor past the middle.
        const overWidth = u.over.clientWidth;
        const flip = left > overWidth / 2;
        tip.style.left = flip ? '' : `${left + 14}px`;
        tip.style.right = flip ? `${overWidth - left + 14}px` : '';
        tip.style.top = '4px';
      },
    },
  };
}

function formatTime(seconds: number, spanSec: number): string {
  const date = new Date(seconds * 1000);
  if (spanSec > 20 * 3600) {
    return date.toLocaleString(undefined, { weekday: 'short', hour: '2-digit', minute: '2-digit' });
  }
  return date.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}
