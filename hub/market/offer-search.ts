import type { OfferSearchPage, OfferSearchQuery, OfferSort } from '../../common/hub/market-types';
import type { LiveOffer } from './live-offer';
import { compareByPerformance, compareByPrice, compareByReliability, insertSorted, removeSorted, toListing } from './live-offer';
import { isWithinSchedule } from './offer-schedule';

/**
 * Search over the offers of online workers. The offers are kept pre-sorted once per sort
 * key (price, reliability, performance), so a query walks one array in order and stops
 * as soon as the page is full instead of filtering and sorting everything each time. An
 * offer enters or leaves with a binary-search insert; reliability scores only change when
 * reputation is recomputed, which re-sorts that one array (`resortByReliability`).
 * Ties always break on price, then offer id, so pages are stable.
 */
export class OfferSearch {
  private readonly sorted: Record<OfferSort, LiveOffer[]> = { price: [], reliability: [], performance: [] };
  private readonly compare: Record<OfferSort, (a: LiveOffer, b: LiveOffer) => number> = {
    price: compareByPrice,
    reliability: compareByReliability,
    performance: compareByPerformance,
  };
  /** Distinct models with how many listed offers have each, for the model filter. */
  private readonly models = new Map<string, { lower: string; count: number }>();

  get size(): number {
    return this.sorted.price.length;
  }

  add(offer: LiveOffer): void {
    for (const sort of ['price', 'reliability', 'performance'] as const) insertSorted(this.sorted[sort], offer, this.compare[sort]);
    const model = this.models.get(offer.gpuModel);
    if (model) model.count += 1;
    else this.models.set(offer.gpuModel, { lower: offer.gpuModelLower, count: 1 });
  }

  remove(offer: LiveOffer): void {
    let removed = false;
    for (const sort of ['price', 'reliability', 'performance'] as const) removed = removeSorted(this.sorted[sort], offer, this.compare[sort]) || removed;
    if (!removed) return;
    const model = this.models.get(offer.gpuModel);
    if (model && --model.count === 0) this.models.delete(offer.gpuModel);
  }

  /** Call after reliability scores changed. */
  resortByReliability(): void {
    this.sorted.reliability.sort(compareByReliability);
  }

  search(query: OfferSearchQuery, nowMs: number): OfferSearchPage {
    let models: Set<string> | null = null;
    if (query.gpuModel !== undefined) {
      const needle = query.gpuModel.toLowerCase();
      models = new Set();
      for (const [name, m] of this.models) if (m.lower.includes(needle)) models.add(name);
      if (models.size === 0) return { offers: [], nextOffset: null };
    }
    const minFree = query.minGpus ?? 1;
    const minVram = query.minVramMiB ?? 0;
    const maxPrice = query.maxPricePerGpuHour === undefined ? null : BigInt(query.maxPricePerGpuHour);
    const maxPriceSort = maxPrice === null ? Infinity : Number(maxPrice);
    const minReliability = query.minReliability ?? 0;
    const { interruptible, region, offset, limit, sort } = query;
    const list = this.sorted[sort];

    const page: LiveOffer[] = [];
    let matched = 0;
    for (let i = 0; i < list.length; i++) {
      const o = list[i]!;
      if (o.priceSort > maxPriceSort) {
        if (sort === 'price') break; // sorted by price: nothing further can match
        continue;
      }
      if (maxPrice !== null && o.pricePerGpuHour > maxPrice) continue;
      if (o.freeGpus.length < minFree || o.vramMiB < minVram || o.reliability < minReliability) continue;
      if (interruptible !== undefined && o.interruptible !== interruptible) continue;
      if (region !== undefined && o.region !== region) continue;
      if (models !== null && !models.has(o.gpuModel)) continue;
      if (o.schedule.length > 0 && !isWithinSchedule(o.schedule, nowMs)) continue;
      matched += 1;
      if (matched <= offset) continue;
      if (page.length === limit) return { offers: page.map(toListing), nextOffset: offset + limit };
      page.push(o);
    }
    return { offers: page.map(toListing), nextOffset: null };
  }
}
