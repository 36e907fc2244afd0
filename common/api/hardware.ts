import { z } from 'zod';
import { call, event } from './define';
import type { TelemetrySample } from '../hardware/gpu';
import type { HardwareSnapshot, TelemetryStatus } from '../hardware/detection';
import type { TelemetrySeries } from '../hardware/history';
import { HISTORY_RANGES } from '../hardware/history';

const noParams = z.object({}).strict();

export const hardwareCalls = {
  /** The last detection (made at start); cheap. */
  'hardware:snapshot': call<HardwareSnapshot>()(noParams),
  /** Runs detection again (nvidia-smi, rocm-smi, systeminformation). */
  'hardware:detect': call<HardwareSnapshot>()(noParams),
  'telemetry:status': call<TelemetryStatus>()(noParams),
  /** The last `seconds` of 1 Hz samples, to fill a live chart when a view opens. */
  'telemetry:recent': call<TelemetrySample[]>()(
    z.object({ seconds: z.number().int().min(1).max(3600) }).strict(),
  ),
  /** Stored history from telemetry.db at the resolution that fits the range. */
  'telemetry:history': call<TelemetrySeries[]>()(
    z.object({ range: z.enum(HISTORY_RANGES), gpuUuid: z.string().min(1).max(128).optional() }).strict(),
  ),
};

export const hardwareEvents = {
  /** One batch per sampling tick: a sample per GPU. */
  'telemetry:samples': event<TelemetrySample[]>(),
  'telemetry:status': event<TelemetryStatus>(),
  'hardware:snapshot': event<HardwareSnapshot>(),
};
