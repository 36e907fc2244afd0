import type { Gpu } from './gpu';

/**
 * What each detection source found, in words a user can act on. A missing tool is
 * not an error: a machine without NVIDIA or AMD GPUs still works (CPU offers).
 */
export type GpuSourceState = 'ok' | 'no-gpu' | 'missing' | 'failed' | 'timeout';

export interface GpuSourceStatus {
  source: 'nvidia-smi' | 'rocm-smi';
  state: GpuSourceState;
  /** What happened, e.g. "nvidia-smi did not answer within 10 s". */
  message: string;
  /** What to check, e.g. "Run `nvidia-smi` in a terminal; reinstall the driver if it hangs". */
  fix: string | null;
}

export interface HostInfo {
  hostname: string;
  os: string;
  cpuModel: string;
  cpuCores: number;
  ramTotalBytes: number;
  disks: Array<{ mount: string; sizeBytes: number; freeBytes: number }>;
  /** GPUs systeminformation sees that no vendor tool reported (integrated, unsupported). */
  otherGpus: Array<{ vendor: string; model: string; vramMiB: number | null }>;
}

export interface HardwareSnapshot {
  detectedAtMs: number;
  gpus: Gpu[];
  sources: GpuSourceStatus[];
  host: HostInfo | null;
}

export type TelemetryState = 'running' | 'restarting' | 'stopped' | 'unavailable';

export interface TelemetryStatus {
  state: TelemetryState;
  message: string;
  /** How many times the sampler child was started since the app started. */
  spawns: number;
  lastSampleAtMs: number | null;
}
