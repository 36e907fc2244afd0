import type { TelemetryMetric } from '../../../../common/hardware/gpu';
import { celsiusTo } from '../../format/temperature';
import type { TemperatureUnit } from '../../format/temperature';

/** What each chart of the Thermals view plots, and in which unit. */
export interface ThermalChart {
  metric: TelemetryMetric;
  title: string;
  unit: string;
  decimals: number;
  /** Fixed y range for percentages, so 3 % load does not fill the chart. */
  yRange?: [number, number];
  convert?: (value: number) => number;
  /** Why the chart can be empty while others are not. */
  emptyMessage: string;
}

export function thermalCharts(temperatureUnit: TemperatureUnit): ThermalChart[] {
  return [
    {
      metric: 'temperatureC',
      title: 'Temperature',
      unit: `°${temperatureUnit}`,
      decimals: 0,
      emptyMessage: 'No GPU reports its temperature.',
      ...(temperatureUnit === 'F' ? { convert: (c: number) => celsiusTo('F', c) } : {}),
    },
    { metric: 'powerW', title: 'Power draw', unit: 'W', decimals: 0, emptyMessage: 'No GPU reports its power draw.' },
    {
      metric: 'utilizationPct',
      title: 'Utilisation',
      unit: '%',
      decimals: 0,
      yRange: [0, 100],
      emptyMessage: 'No GPU reports its utilisation.',
    },
    // VRAM is reported in MiB; GiB reads better on an axis going to 80.
    {
      metric: 'vramUsedMiB',
      title: 'VRAM used',
      unit: 'GiB',
      decimals: 1,
      convert: (mib: number) => mib / 1024,
      emptyMessage: 'No GPU reports its VRAM use.',
    },
    {
      metric: 'fanPct',
      title: 'Fan',
      unit: '%',
      decimals: 0,
      yRange: [0, 100],
      // Data-centre cards are cooled by the chassis and have no fan of their own.
      emptyMessage: 'No GPU reports a fan speed: passively cooled cards have no fan of their own.',
    },
    { metric: 'smClockMHz', title: 'SM clock', unit: 'MHz', decimals: 0, emptyMessage: 'No GPU reports its clock.' },
  ];
}
