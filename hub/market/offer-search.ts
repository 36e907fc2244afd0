import type { OfferSearchPage, OfferSearchQuery } from '../../common/hub/market-types';
import type { LiveOffer } from './live-offer';
import { toListing } from './live-offer';
import type { TokenUnit } from '../../common/money/token';
import { PAYMENT_TOKEN } from '../../common/money/token-registry';
import { isWithinSchedule } from '../../common/market/offer-schedule';
import { SortedOfferLists } from './sorted-offer-lists';

/**
 * Search over the offers of online workers. Offers are kept pre-sorted by each sort key
 * (price, reliability, performance) three times over: all of them, per GPU model and per
 * region. A query walks the shortest list that can hold its answers, in order, and stops
 * as soon as the page is full — instead of filtering and sorting everything each time.
 * Reliability scores only change when reputation is recomputed, which re-sorts those
 * lists (`resortByReliability`). Ties break on price, then offer id, so pages are stable.
 */
export class OfferSearch {
  /** `token`: the hub's payment token, the unit of every offer's price. */
  constructor(private readonly token: TokenUnit = PAYMENT_TOKEN) {}

  private readonly all = new SortedOfferLists();
  private readonly byModel = new Map<string, SortedOfferLists & { lower: string }>();
  private readonly byRegion = new Map<string, SortedOfferLists>();

  get size(): number {
    return this.all.size;
  }

  add(offer: LiveOffer): void {
    this.all.add(offer);
    let model = this.byModel.get(offer.gpuModel);
    if (!model) this.byModel.set(offer.gpuModel, (model = Object.assign(new SortedOfferLists(), { lower: offer.gpuModelLower })));
    model.add(offer);
    let region = this.byRegion.get(offer.region);
    if (!region) this.byRegion.set(offer.region, (region = new SortedOfferLists()));
    region.add(offer);
  }

  remove(offer: LiveOffer): void {
    if (!this.all.remove(offer)) return;
    const model = this.byModel.get(offer.gpuModel);
    if (model?.remove(offer) && model.size === 0) this.byModel.delete(offer.gpuModel);
    const region = this.byRegion.get(offer.region);
    if (region?.remove(offer) && region.size === 0) this.byRegion.delete(offer.region);
  }

  /** Call after reliability scores changed. */
  resortByReliability(): void {
    this.all.resortByReliability();
    for (const lists of this.byModel.values()) lists.resortByReliability();
    for (const lists of this.byRegion.values()) lists.resortByReliability();
  }

  search(query: OfferSearchQuery, nowMs: number): OfferSearchPage {
    const { interruptible, region, offset, limit, sort } = query;
    // The shortest list that holds every possible answer.
    let source: SortedOfferLists = this.all;
    let models: Set<string> | null = null;
    if (query.gpuModel !== undefined) {
      const needle = query.gpuModel.toLowerCase();
      models = new Set();
      for (const [name, lists] of this.byModel) if (lists.lower.includes(needle)) models.add(name);
      if (models.size === 0) return { offers: [], nextOffset: null };
      if (models.size === 1) source = this.byModel.get([...models][0]!)!;
    }
    if (region !== undefined) {
      const inRegion = this.byRegion.get(region);
      if (!inRegion) return { offers: [], nextOffset: null };
      if (inRegion.size < source.size) source = inRegion;
    }
    const list = source.list(sort);

    const minFree = query.minGpus ?? 1;
    const minVram = query.minVramMiB ?? 0;
    const maxPrice = query.maxPricePerGpuHour === undefined ? null : BigInt(query.maxPricePerGpuHour);
    // Prices below 2^53 compare exactly as numbers; only larger ones need the bigint.
    const maxPriceSort = maxPrice === null ? Infinity : Number(maxPrice);
    const exactAsNumber = maxPrice === null || maxPrice <= BigInt(Number.MAX_SAFE_INTEGER);
    const minReliability = query.minReliability ?? 0;

    const page: LiveOffer[] = [];
    let matched = 0;
    for (let i = 0; i < list.length; i++) {
      const o = list[i]!;
      if (o.priceSort > maxPriceSort) {
        if (sort === 'price') break; // sorted by price: nothing further can match
        continue;
      }
      if (!exactAsNumber && o.pricePerGpuHour > maxPrice!) continue;
      if (o.freeGpus.length < minFree || o.vramMiB < minVram || o.reliability < minReliability) continue;
      if (interruptible !== undefined && o.interruptible !== interruptible) continue;
      if (region !== undefined && o.region !== region) continue;
      if (models !== null && !models.has(o.gpuModel)) continue;
      if (o.schedule.length > 0 && !isWithinSchedule(o.schedule, nowMs)) continue;
      matched += 1;
      if (matched <= offset) continue;
      if (page.length === limit) return { offers: page.map((o) => toListing(o, this.token)), nextOffset: offset + limit };
      page.push(o);
    }
    return { offers: page.map((o) => toListing(o, this.token)), nextOffset: null };
  }
}
