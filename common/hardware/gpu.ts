/**
 * The app's view of one GPU, whatever tool reported it. Values a driver does not
 * report (`N/A`, `Not Supported`, an old driver without the field) are `null`:
 * the UI shows "—" rather than a guess.
 */
export type GpuVendor = 'nvidia' | 'amd' | 'other';

/**
 * How each vendor is named and ordered in the UI. The vendors' own knowledge (tools,
 * container devices, doctor checks) lives in main/hardware/vendors; this is only the words.
 */
export const GPU_VENDORS: Readonly<Record<GpuVendor, { label: string; rank: number }>> = {
  nvidia: { label: 'NVIDIA', rank: 0 },
  amd: { label: 'AMD', rank: 1 },
  other: { label: 'Other', rank: 2 },
};

export interface GpuProcess {
  pid: number;
  /** nvidia-smi's type: C (compute), G (graphics), C+G; null when not reported. */
  type: string | null;
  name: string;
  usedMemoryMiB: number | null;
}

export interface GpuPcie {
  generation: number | null;
  maxGeneration: number | null;
  linkWidth: number | null;
  maxLinkWidth: number | null;
}

export interface Gpu {
  vendor: GpuVendor;
  index: number;
  /** Stable id: NVIDIA `GPU-…` UUID, AMD unique id; used to lease exact GPUs. */
  uuid: string;
  name: string;
  busId: string | null;
  vramTotalMiB: number | null;
  vramUsedMiB: number | null;
  driverVersion: string | null;
  cudaVersion: string | null;
  pcie: GpuPcie;
  powerLimitW: number | null;
  powerDrawW: number | null;
  temperatureC: number | null;
  utilizationPct: number | null;
  fanPct: number | null;
  /** Current MIG mode; null where the GPU has no MIG. */
  migMode: 'enabled' | 'disabled' | null;
  processes: GpuProcess[];
  /**
   * Whether this machine can hand the GPU to a renter's container: its vendor's driver
   * knows which devices to give (an AMD GPU needs its render node found). Views and the
   * market read this flag rather than the vendor.
   */
  lendable: boolean;
}

/** One 1 Hz reading of one GPU. */
export interface TelemetrySample {
  gpuUuid: string;
  gpuIndex: number;
  tMs: number;
  temperatureC: number | null;
  powerW: number | null;
  utilizationPct: number | null;
  vramUsedMiB: number | null;
  fanPct: number | null;
  smClockMHz: number | null;
}

export const TELEMETRY_METRICS = [
  'temperatureC',
  'powerW',
  'utilizationPct',
  'vramUsedMiB',
  'fanPct',
  'smClockMHz',
] as const;
export type TelemetryMetric = (typeof TELEMETRY_METRICS)[number];
