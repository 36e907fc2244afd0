import type { hardwareCalls } from '../../common/api/hardware';
import { DisposableStore } from '../../common/lifecycle';
import type { Logger } from '../../common/logger';
import type { Settings } from '../../common/settings';
import type { Module } from '../app/module';
import type { TelemetryStore } from '../ledger/telemetry-store';
import type { SettingsStore } from '../settings/settings-store';
import type { DomainHandlers } from '../transport/api-handlers';
import { ExecFileRunner } from './command-runner';
import { HardwareDetector } from './hardware-detector';
import { hardwareHandlers } from './hardware-handlers';
import { HardwareService } from './hardware-service';
import { readHostInfo } from './host-info';
import { TelemetryService } from './telemetry-service';
import { createGpuTelemetrySource, createGpuVendorDrivers, hasTelemetry } from './vendors';
import type { GpuVendorDriver } from './vendors/gpu-vendor';

export interface HardwareModuleDeps {
  settings: SettingsStore;
  telemetryStore: TelemetryStore;
  /** Scope 'hardware' in the app's log; telemetry logs under a 'telemetry' child. */
  logger: Logger;
  nowMs: () => number;
}

export interface HardwareModule extends Module {
  readonly hardware: HardwareService;
  readonly telemetry: TelemetryService;
  /** Every vendor's knowledge (tools, telemetry, container devices) is behind these drivers. */
  readonly gpuVendors: readonly GpuVendorDriver[];
  readonly handlers: DomainHandlers<typeof hardwareCalls>;
  /** Starts or stops telemetry to match the settings and the GPUs found. */
  applyTelemetry(settings: Settings): Promise<void>;
}

/** Detection and live telemetry for the composition root. */
export function createHardwareModule(deps: HardwareModuleDeps): HardwareModule {
  const { nowMs } = deps;
  const disposables = new DisposableStore({ name: 'hardware' });
  const gpuVendors = createGpuVendorDrivers();
  const telemetryLogger = deps.logger.child({ scope: 'telemetry' });
  const hardware = new HardwareService(new HardwareDetector({ runner: new ExecFileRunner(), readHostInfo, nowMs, drivers: gpuVendors }));
  const telemetry = new TelemetryService({
    createSource: (callbacks) => createGpuTelemetrySource(gpuVendors, hardware.gpus(), { nowMs, logger: telemetryLogger, ...callbacks }),
    store: deps.telemetryStore,
    logger: telemetryLogger,
    nowMs,
  });
  const applyTelemetry = (s: Settings) =>
    telemetry.apply({ enabled: s.telemetryEnabled, hasTelemetryGpu: hasTelemetry(gpuVendors, hardware.gpus()) });
  return {
    hardware,
    telemetry,
    gpuVendors,
    handlers: hardwareHandlers(hardware, telemetry),
    applyTelemetry,
    async start() {
      await hardware.detect();
      await applyTelemetry(deps.settings.get());
      // A GPU found by "Detect again" (driver installed later) starts telemetry too.
      hardware.onDidDetect(() => void applyTelemetry(deps.settings.get()), disposables);
    },
    async dispose() {
      await disposables.dispose();
      await telemetry.stop();
    },
  };
}
