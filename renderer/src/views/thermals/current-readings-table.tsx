import './current-readings-table.css';
import type { TelemetrySample } from '../../../../common/hardware/gpu';
import { useNow } from '../../app/use-now';
import {
  MISSING,
  formatMHz,
  formatPercent,
  formatPowerOfLimit,
  formatVramUsage,
} from '../../format/hardware-format';
import { formatTemperature, temperatureLevel } from '../../format/temperature';
import { formatAgo } from '../../format/time-format';
import type { TemperatureUnit } from '../../format/temperature';
import type { TrackedGpu } from './tracked-gpus';

/** As many as chart-theme.ts reads from tokens.css. */
const SERIES_COLORS = 12;

/** Samples come every second; one older than this is shown faded, as a past value. */
const STALE_AFTER_MS = 5000;

interface CurrentReadingsTableProps {
  gpus: readonly TrackedGpu[];
  latest: Readonly<Record<string, TelemetrySample>>;
  /** Limits and totals come from detection; samples carry only what changes. */
  limits: Readonly<Record<string, { powerLimitW: number | null; vramTotalMiB: number | null }>>;
  temperatureUnit: TemperatureUnit;
}

/** The newest reading of every GPU, with the colour its line has on the charts. */
export function CurrentReadingsTable({ gpus, latest, limits, temperatureUnit }: CurrentReadingsTableProps) {
  const now = useNow(1000);
  return (
    <div className="table-wrap card card-flush">
      <table className="table" data-testid="thermals-current">
        <caption className="visually-hidden">Current readings per GPU</caption>
        <thead>
          <tr>
            <th scope="col">GPU</th>
            <th scope="col" className="num">
              Temp
            </th>
            <th scope="col" className="num">
              Power
            </th>
            <th scope="col" className="num">
              Load
            </th>
            <th scope="col" className="num">
              VRAM
            </th>
            <th scope="col" className="num">
              Fan
            </th>
            <th scope="col" className="num">
              SM clock
            </th>
          </tr>
        </thead>
        <tbody>
          {gpus.map((gpu, i) => {
            const s = latest[gpu.uuid];
            const limit = limits[gpu.uuid];
            const level = temperatureLevel(s?.temperatureC);
            const stale = s !== undefined && now - s.tMs > STALE_AFTER_MS;
            return (
              <tr
                key={gpu.uuid}
                data-testid="thermals-gpu-row"
                data-stale={stale ? 'true' : undefined}
                className={s && !stale ? undefined : 'row-quiet'}
                title={!s ? 'No live readings from this GPU' : stale ? `Last reading ${formatAgo(s.tMs, now)}` : undefined}
              >
                <th scope="row" title={gpu.name ?? undefined}>
                  <span className="gpu-cell">
                    <span className="swatch" style={{ background: `var(--series-${(i % SERIES_COLORS) + 1})` }} aria-hidden="true" />
                    <span className="gpu-cell-label">{gpu.label}</span>
                    {gpu.name ? <span className="gpu-cell-name">{gpu.name}</span> : null}
                  </span>
                </th>
                <td className={`num${level ? ` temp-${level}` : ''}`}>{formatTemperature(s?.temperatureC, temperatureUnit)}</td>
                <td className="num">{s ? formatPowerOfLimit(s.powerW, limit?.powerLimitW) : MISSING}</td>
                <td className="num">{formatPercent(s?.utilizationPct)}</td>
                <td className="num">{s ? formatVramUsage(s.vramUsedMiB, limit?.vramTotalMiB) : MISSING}</td>
                <td className="num">{formatPercent(s?.fanPct)}</td>
                <td className="num">{formatMHz(s?.smClockMHz)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
