import type { Gpu } from '../../../common/hardware/gpu';
import { GPU_VENDORS } from '../../../common/hardware/gpu';
import { vendorLabel } from './hardware-format';

/**
 * "GPU 0": how a GPU is named in legends and tables, as its vendor's tool numbers
 * it. NVIDIA and AMD both count from 0, so on a machine with both the vendor is
 * part of the name ("AMD 0"), or two lines would share a label.
 */
export function gpuLabel(gpu: Pick<Gpu, 'index' | 'vendor'>, mixedVendors = false): string {
  return mixedVendors ? `${vendorLabel(gpu.vendor)} ${gpu.index}` : `GPU ${gpu.index}`;
}

export function hasMixedVendors(gpus: ReadonlyArray<Pick<Gpu, 'vendor'>>): boolean {
  return new Set(gpus.map((g) => g.vendor)).size > 1;
}

/** GPUs in the order the driver numbers them, NVIDIA before AMD for equal indexes. */
export function sortGpus<T extends Pick<Gpu, 'index' | 'vendor'>>(gpus: readonly T[]): T[] {
  return [...gpus].sort((a, b) => GPU_VENDORS[a.vendor].rank - GPU_VENDORS[b.vendor].rank || a.index - b.index);
}
