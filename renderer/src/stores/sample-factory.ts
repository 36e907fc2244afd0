import type { TelemetrySample } from '../../../common/hardware/gpu';

/** A telemetry sample for tests: GPU and time given, readings plausible and overridable. */
export function sample(gpuUuid: string, tMs: number, readings: Partial<TelemetrySample> = {}): TelemetrySample {
  return {
    gpuUuid,
    gpuIndex: 0,
    tMs,
    temperatureC: 50,
    powerW: 100,
    utilizationPct: 10,
    vramUsedMiB: 1024,
    fanPct: 30,
    smClockMHz: 1500,
    ...readings,
  };
}
