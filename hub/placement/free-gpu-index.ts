import type { LiveOffer } from '../market/live-offer';
import { compareByPrice, insertSorted, removeSorted } from '../market/live-offer';
import { MAX_GPUS_PER_OFFER } from '../../common/hub/market-types';

export interface ModelGroup {
  gpuModel: string;
  gpuModelLower: string;
  /** The largest VRAM of any offer in the group, to skip whole groups on a VRAM constraint. */
  maxVramMiB: number;
  /** buckets[k]: offers with exactly k free GPUs (index 0 unused). */
  buckets: LiveOffer[][];
  size: number;
}

/**
 * Offers with free GPUs, indexed for placement: by GPU model, then by how many GPUs are
 * free (1…16), each bucket sorted by price then offer id. A request for N GPUs of a model
 * looks at the heads of a handful of buckets instead of scanning every machine, and a
 * reservation moves one offer from one bucket to another with two binary searches.
 */
export class FreeGpuIndex {
  readonly groups = new Map<string, ModelGroup>();
  /** Where each offer is filed (its free count then), so it can be found again after it changes. */
  private readonly filedAt = new Map<LiveOffer, number>();

  /** Files the offer under its current free count (or removes it when none is free). */
  update(offer: LiveOffer): void {
    this.remove(offer);
    const free = offer.freeGpus.length;
    if (free === 0) return;
    let group = this.groups.get(offer.gpuModel);
    if (!group) {
      group = {
        gpuModel: offer.gpuModel,
        gpuModelLower: offer.gpuModelLower,
        maxVramMiB: 0,
        buckets: Array.from({ length: MAX_GPUS_PER_OFFER + 1 }, () => []),
        size: 0,
      };
      this.groups.set(offer.gpuModel, group);
    }
    insertSorted(group.buckets[free]!, offer, compareByPrice);
    group.size += 1;
    if (offer.vramMiB > group.maxVramMiB) group.maxVramMiB = offer.vramMiB;
    this.filedAt.set(offer, free);
  }

  remove(offer: LiveOffer): void {
    const free = this.filedAt.get(offer);
    if (free === undefined) return;
    this.filedAt.delete(offer);
    const group = this.groups.get(offer.gpuModel);
    if (!group) return;
    removeSorted(group.buckets[free]!, offer, compareByPrice);
    group.size -= 1;
    if (group.size === 0) this.groups.delete(offer.gpuModel);
  }

  has(offer: LiveOffer): boolean {
    return this.filedAt.has(offer);
  }
}
