import type { Gpu } from '../../../../common/hardware/gpu';
import { gpuLabel, hasMixedVendors, sortGpus } from '../../format/gpu-label';

/** A GPU that has a line on the charts. */
export interface TrackedGpu {
  uuid: string;
  label: string;
  name: string | null;
}

/**
 * The GPUs to chart: those detected, in driver order, then any that only telemetry
 * knows (a GPU removed since, still in history), so no stored line is silently hidden.
 * The order fixes each GPU's colour, so it must not depend on which samples arrived first.
 */
export function trackedGpus(
  detected: readonly Gpu[],
  telemetryGpus: ReadonlyArray<{ uuid: string; index: number | null }>,
): TrackedGpu[] {
  const mixed = hasMixedVendors(detected);
  const out: TrackedGpu[] = sortGpus(detected).map((g) => ({ uuid: g.uuid, label: gpuLabel(g, mixed), name: g.name }));
  const known = new Set(out.map((g) => g.uuid));
  const extra = telemetryGpus
    .filter((g) => !known.has(g.uuid))
    .sort((a, b) => (a.index ?? 0) - (b.index ?? 0) || a.uuid.localeCompare(b.uuid));
  for (const g of extra) {
    if (known.has(g.uuid)) continue;
    known.add(g.uuid);
    out.push({ uuid: g.uuid, label: g.index === null ? g.uuid.slice(0, 12) : `GPU ${g.index} (gone)`, name: null });
  }
  return out;
}
