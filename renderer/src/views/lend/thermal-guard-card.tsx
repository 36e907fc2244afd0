import './thermal-guard-card.css';
import { THERMAL_PAUSE_AFTER_MS, THERMAL_RESUME_MARGIN_C } from '../../../../common/market/lend-types';
import type { ThermalGuardState } from '../../../../common/market/lend-types';
import { StatusPill } from '../../components/status-pill';
import { formatTemperature } from '../../format/temperature';
import type { TemperatureUnit } from '../../format/temperature';
import { formatAgo, formatClockTime } from '../../format/time-format';

interface ThermalGuardCardProps {
  guard: ThermalGuardState | null;
  unit: TemperatureUnit;
  nowMs: number;
  /** Lendable GPUs it would watch (null while unknown): with none, it watches nothing and says so. */
  watchedGpus?: number | null;
}

/** Why a job may be paused: the hottest shared GPU against the owner's maximum. */
export function ThermalGuardCard({ guard, unit, nowMs, watchedGpus = null }: ThermalGuardCardProps) {
  const paused = guard?.pausedSinceMs != null;
  const hot = !paused && guard?.hotSinceMs != null;
  const temp = (c: number | null | undefined) => (c === null || c === undefined ? '—' : formatTemperature(c, unit));
  return (
    <section className="card guard-card" data-testid="thermal-guard" data-paused={paused ? 'true' : 'false'}>
      <header className="card-head">
        <h2 className="card-title">Thermal guard</h2>
        <StatusPill tone={paused ? 'warn' : hot ? 'warn' : watchedGpus === 0 ? 'neutral' : 'ok'} testId="thermal-guard-state">
          {paused ? 'Jobs paused' : hot ? 'Above maximum' : watchedGpus === 0 ? 'No GPU to watch' : 'Watching'}
        </StatusPill>
      </header>
      <dl className="guard-facts">
        <div>
          <dt>Maximum</dt>
          <dd data-testid="thermal-guard-max">{temp(guard?.maxTemperatureC)}</dd>
        </div>
        <div>
          <dt>Hottest now</dt>
          <dd data-testid="thermal-guard-hottest" className={hot || paused ? 'temp-hot' : undefined}>
            {temp(guard?.hottestC)}
          </dd>
        </div>
        <div>
          <dt>Paused since</dt>
          <dd data-testid="thermal-guard-paused-since">
            {paused ? `${formatClockTime(guard?.pausedSinceMs)} (${formatAgo(guard?.pausedSinceMs, nowMs)})` : '—'}
          </dd>
        </div>
      </dl>
      <p className="card-note">
        {paused
          ? `Jobs resume when the hottest GPU is below ${temp((guard?.maxTemperatureC ?? 0) - THERMAL_RESUME_MARGIN_C)}.`
          : `Above the maximum for ${THERMAL_PAUSE_AFTER_MS / 1000} s, the job's containers are paused and you are notified; they resume ${THERMAL_RESUME_MARGIN_C} °C below it.`}
      </p>
    </section>
  );
}
