import type { hardwareCalls } from '../../common/api/hardware';
import type { DomainHandlers } from '../transport/api-handlers';
import type { HardwareService } from './hardware-service';
import type { TelemetryService } from './telemetry-service';

export function hardwareHandlers(
  hardware: HardwareService,
  telemetry: TelemetryService,
): DomainHandlers<typeof hardwareCalls> {
  return {
    'hardware:snapshot': () => hardware.snapshot(),
    'hardware:detect': () => hardware.detect(),
    'telemetry:status': () => telemetry.status(),
    'telemetry:recent': ({ seconds }) => telemetry.recent(seconds),
    'telemetry:history': ({ range, gpuUuid }) => telemetry.history(range, gpuUuid),
  };
}
