import type { Gpu, GpuVendor } from '../../../common/hardware/gpu';
import type { GpuSourceStatus } from '../../../common/hardware/detection';
import type { Logger } from '../../../common/logger';
import type { CommandOutcome } from '../command-runner';
import type { TelemetrySource, TelemetrySourceCallbacks } from '../telemetry-service';

/** What one vendor's tool found: its GPUs (with `lendable` decided) and a status in plain words. */
export interface VendorDetection {
  gpus: Gpu[];
  status: GpuSourceStatus;
}

/** Runs one of the vendor's tools with the detector's timeout; never rejects. */
export type ToolRun = (command: string, args: readonly string[]) => Promise<CommandOutcome>;

/** Docker's `HostConfig.DeviceRequests` entry (a device driver such as NVIDIA's container hook). */
export interface DeviceRequest {
  Driver: string;
  DeviceIDs: string[];
  Capabilities: string[][];
}

/** Docker's `HostConfig.Devices` entry: one host device node, mapped into the container. */
export interface DeviceMapping {
  PathOnHost: string;
  PathInContainer: string;
  CgroupPermissions: string;
}

/** How a container is given GPUs: device requests, plain device nodes, or both. */
export interface ContainerGpuDevices {
  deviceRequests: DeviceRequest[];
  devices: DeviceMapping[];
}

/** A container start that failed for a reason this vendor knows, in words for the owner. */
export interface GpuContainerFailure {
  summary: string;
  fix: string;
}

export interface VendorTelemetryOptions extends TelemetrySourceCallbacks {
  /** The vendor's GPUs from the last detection (AMD readings are matched to them by card). */
  gpus: readonly Gpu[];
  /** Where the sampler says what failed (a consumer that threw). */
  logger: Logger;
  nowMs: () => number;
  intervalMs?: number;
  /** Environment of the tool's child (tests and benchmarks put the replays on PATH). */
  env?: NodeJS.ProcessEnv;
}

/**
 * Everything the app knows about one GPU vendor, behind one seam: the rest of the app
 * asks a driver and never compares vendor names. Adding a vendor is a folder here and
 * one entry in `createGpuVendorDrivers`.
 */
export interface GpuVendorDriver {
  readonly vendor: GpuVendor;
  /** The tool detection runs; also the source of the status shown on Home. */
  readonly source: GpuSourceStatus['source'];
  /**
   * systeminformation runs this vendor's tool itself, synchronously and without a
   * timeout, when it lists graphics controllers: after our run of the tool hung, the
   * host scan must skip controllers or it would freeze the app.
   */
  readonly hostScanRunsTool: boolean;
  /** Finds this vendor's GPUs; never throws (every outcome becomes a status). */
  detect(run: ToolRun): Promise<VendorDetection>;
  /** Live readings of this vendor's GPUs; started and stopped by the telemetry service. */
  createTelemetrySource(options: VendorTelemetryOptions): TelemetrySource;
  /**
   * What a container needs to use exactly these GPUs (all of this vendor). Throws an
   * Error in plain words when a GPU cannot be handed over (its device node is gone).
   */
  containerDevices(gpus: readonly Gpu[]): ContainerGpuDevices;
  /** The setup doctor and the job runner ask this about a failed GPU container; null: not ours. */
  explainContainerFailure(errorText: string): GpuContainerFailure | null;
  /** Whether a controller systeminformation lists ("vendor model", lower case) is one of this vendor's. */
  ownsController(text: string): boolean;
}
