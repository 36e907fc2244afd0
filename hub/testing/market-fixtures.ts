import type { HubGpu, OfferTermsInput, WorkerHardware } from '../../common/hub/market-types';

/** Hardware and offers as a worker would report them, for tests and benchmarks. */
export function gpus(model: string, count: number, vramMiB: number, uuidPrefix: string): HubGpu[] {
  return Array.from({ length: count }, (_, index) => ({
    uuid: `GPU-${uuidPrefix}-${String(index).padStart(4, '0')}`,
    model,
    vramMiB,
    index,
  }));
}

export function hardware(list: HubGpu[]): WorkerHardware {
  return { gpus: list, cpuModel: 'AMD EPYC 7742', cpuCores: 64, ramMiB: 256 * 1024, os: 'Ubuntu 22.04' };
}

export const HOUR_MS = 3_600_000;

export function offerTerms(gpuUuids: string[], pricePerGpuHour: string, extra: Partial<OfferTermsInput> = {}): OfferTermsInput {
  return { gpuUuids, pricePerGpuHour, minLeaseMs: 0, maxLeaseMs: 30 * 24 * HOUR_MS, interruptible: false, schedule: [], ...extra };
}

/** Real model names as nvidia-smi reports them (see fixtures/gpu). */
export const MODELS = {
  v100: { name: 'Tesla V100S-PCIE-32GB', vramMiB: 32_768 },
  rtx4090: { name: 'NVIDIA GeForce RTX 4090', vramMiB: 24_564 },
  a100: { name: 'NVIDIA A100-SXM4-80GB', vramMiB: 81_920 },
  rtx2080: { name: 'NVIDIA GeForce RTX 2080 Ti', vramMiB: 11_264 },
  v100Spec: () => ({ model: 'Tesla V100S-PCIE-32GB', vramMiB: 32_768 }),
  rtx4090Spec: () => ({ model: 'NVIDIA GeForce RTX 4090', vramMiB: 24_564 }),
  a100Spec: () => ({ model: 'NVIDIA A100-SXM4-80GB', vramMiB: 81_920 }),
} as const;
