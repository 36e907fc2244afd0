import type { Gpu } from '../../../common/hardware/gpu';
import type { TelemetrySource } from '../telemetry-service';
import { AmdDriver } from './amd/amd-driver';
import type { AmdDevicePaths } from './amd/render-node';
import type { ContainerGpuDevices, GpuContainerFailure, GpuVendorDriver, VendorTelemetryOptions } from './gpu-vendor';
import { NvidiaDriver } from './nvidia/nvidia-driver';
import { CombinedTelemetrySource } from './combined-telemetry';

export type { ContainerGpuDevices, GpuContainerFailure, GpuVendorDriver } from './gpu-vendor';

export interface GpuVendorsOptions {
  /** Where AMD render nodes are looked up and mapped from (tests: a temp sysfs and dev). */
  amdDevicePaths?: AmdDevicePaths;
}

/** Every vendor the app knows, in the order they are detected and listed. */
export function createGpuVendorDrivers(options: GpuVendorsOptions = {}): GpuVendorDriver[] {
  return [new NvidiaDriver(), new AmdDriver(options.amdDevicePaths)];
}

const DEFAULT_DRIVERS = createGpuVendorDrivers();

/**
 * What a container needs for the GPUs with these ids, each handed over by its own
 * vendor's driver. Throws an Error in plain words for an id this machine did not
 * detect, or a GPU that cannot be lent.
 */
export function containerGpuDevices(
  drivers: readonly GpuVendorDriver[],
  detected: readonly Gpu[],
  uuids: readonly string[],
): ContainerGpuDevices {
  const result: ContainerGpuDevices = { deviceRequests: [], devices: [] };
  const wanted = uuids.map((uuid) => {
    const gpu = detected.find((g) => g.uuid === uuid);
    if (!gpu) throw new Error(`The GPU ${uuid} is not on this machine (as last detected). Detect the hardware again on Home.`);
    if (!gpu.lendable) throw new Error(`The GPU ${uuid} (${gpu.name}) cannot be handed to a container on this machine.`);
    return gpu;
  });
  for (const driver of drivers) {
    const mine = wanted.filter((g) => g.vendor === driver.vendor);
    if (mine.length === 0) continue;
    const devices = driver.containerDevices(mine);
    result.deviceRequests.push(...devices.deviceRequests);
    result.devices.push(...devices.devices);
  }
  return result;
}

/** The first vendor's explanation of a failed GPU container, or null when none knows it. */
export function explainGpuContainerFailure(
  errorText: string,
  drivers: readonly GpuVendorDriver[] = DEFAULT_DRIVERS,
): GpuContainerFailure | null {
  for (const driver of drivers) {
    const failure = driver.explainContainerFailure(errorText);
    if (failure) return failure;
  }
  return null;
}

/**
 * Live telemetry for the detected GPUs: one source per vendor present (each its own
 * long-lived child), seen as one. Ask `hasTelemetry` first: with none, this throws.
 */
export function createGpuTelemetrySource(
  drivers: readonly GpuVendorDriver[],
  gpus: readonly Gpu[],
  options: Omit<VendorTelemetryOptions, 'gpus'>,
): TelemetrySource {
  const present = drivers.filter((d) => gpus.some((g) => g.vendor === d.vendor));
  if (present.length === 0) throw new Error('No detected GPU has live telemetry.');
  if (present.length === 1) {
    const driver = present[0]!;
    return driver.createTelemetrySource({ ...options, gpus: gpus.filter((g) => g.vendor === driver.vendor) });
  }
  return new CombinedTelemetrySource(
    (onStatus) =>
      present.map((driver) =>
        driver.createTelemetrySource({ ...options, onStatus, gpus: gpus.filter((g) => g.vendor === driver.vendor) }),
      ),
    options.onStatus,
  );
}

/** Whether any detected GPU has live telemetry. */
export function hasTelemetry(drivers: readonly GpuVendorDriver[], gpus: readonly Gpu[]): boolean {
  return gpus.some((g) => drivers.some((d) => d.vendor === g.vendor));
}
