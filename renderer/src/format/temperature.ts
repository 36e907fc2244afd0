import { MISSING } from './hardware-format';

export type TemperatureUnit = 'C' | 'F';

/** How a reading should look: most GPUs throttle in the mid 80s °C. */
export type TemperatureLevel = 'cool' | 'warm' | 'hot';

export const WARM_FROM_C = 70;
export const HOT_FROM_C = 83;

export function celsiusTo(unit: TemperatureUnit, celsius: number): number {
  return unit === 'F' ? (celsius * 9) / 5 + 32 : celsius;
}

/** Telemetry is always stored in °C; the unit is only a way of showing it. */
export function formatTemperature(celsius: number | null | undefined, unit: TemperatureUnit): string {
  if (celsius === null || celsius === undefined || !Number.isFinite(celsius)) return MISSING;
  return `${Math.round(celsiusTo(unit, celsius))} °${unit}`;
}

export function temperatureLevel(celsius: number | null | undefined): TemperatureLevel | null {
  if (celsius === null || celsius === undefined || !Number.isFinite(celsius)) return null;
  if (celsius >= HOT_FROM_C) return 'hot';
  if (celsius >= WARM_FROM_C) return 'warm';
  return 'cool';
}
