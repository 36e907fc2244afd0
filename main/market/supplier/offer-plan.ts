import type { HardwareSnapshot } from '../../../common/hardware/detection';
import type { HubGpu, OfferTermsInput, WorkerHardware } from '../../../common/hub/market-types';
import { MAX_GPUS_PER_OFFER } from '../../../common/hub/market-types';
import type { LendTerms } from '../../../common/market/lend-types';

/** The GPUs of a detection that can be lent, as the hub knows GPUs (leases name them by UUID). */
export function lendableGpus(snapshot: HardwareSnapshot | null): HubGpu[] {
  return (snapshot?.gpus ?? [])
    .filter((g) => g.lendable)
    .map((g) => ({ uuid: g.uuid, model: g.name, vramMiB: g.vramTotalMiB ?? 0, index: g.index }));
}

export function workerHardware(snapshot: HardwareSnapshot | null): WorkerHardware {
  const host = snapshot?.host ?? null;
  return {
    gpus: lendableGpus(snapshot),
    ...(host
      ? { cpuModel: host.cpuModel.slice(0, 128), cpuCores: host.cpuCores, ramMiB: Math.floor(host.ramTotalBytes / 1024 ** 2), os: host.os.slice(0, 128) }
      : {}),
  };
}

/** The GPUs the owner shares: those named in the terms that are present, or every lendable GPU. */
export function sharedGpus(snapshot: HardwareSnapshot | null, terms: LendTerms): HubGpu[] {
  const all = lendableGpus(snapshot);
  if (terms.gpuUuids.length === 0) return all;
  const wanted = new Set(terms.gpuUuids);
  return all.filter((g) => wanted.has(g.uuid));
}

/**
 * One offer per GPU model of the shared GPUs (the hub's offers are single-model), split in
 * blocks of at most MAX_GPUS_PER_OFFER. Ordered by model then index, so a republish with
 * the same GPUs produces the same offers.
 */
export function planOffers(gpus: readonly HubGpu[], terms: LendTerms): Array<{ gpuModel: string; terms: OfferTermsInput }> {
  const byModel = new Map<string, HubGpu[]>();
  for (const gpu of [...gpus].sort((a, b) => a.index - b.index)) {
    const list = byModel.get(gpu.model) ?? [];
    list.push(gpu);
    byModel.set(gpu.model, list);
  }
  const plan: Array<{ gpuModel: string; terms: OfferTermsInput }> = [];
  for (const [gpuModel, list] of [...byModel].sort(([a], [b]) => a.localeCompare(b))) {
    for (let i = 0; i < list.length; i += MAX_GPUS_PER_OFFER) {
      plan.push({
        gpuModel,
        terms: {
          gpuUuids: list.slice(i, i + MAX_GPUS_PER_OFFER).map((g) => g.uuid),
          pricePerGpuHour: terms.pricePerGpuHour,
          minLeaseMs: terms.minLeaseMs,
          maxLeaseMs: terms.maxLeaseMs,
          interruptible: terms.interruptible,
          schedule: terms.schedule,
          ...(terms.allowRootJobs === true ? { allowsRootJobs: true } : {}),
          ...(terms.egressPricePerHour != null ? { egressPricePerHour: terms.egressPricePerHour } : {}),
        },
      });
    }
  }
  return plan;
}

/** The median of decimal base-unit prices (an even count: the mean of the two middle ones, rounded down). */
export function medianPrice(prices: readonly string[]): string | null {
  if (prices.length === 0) return null;
  const sorted = prices.map((p) => BigInt(p)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const mid = sorted.length / 2;
  if (sorted.length % 2 === 1) return sorted[Math.floor(mid)]!.toString();
  return ((sorted[mid - 1]! + sorted[mid]!) / 2n).toString();
}
