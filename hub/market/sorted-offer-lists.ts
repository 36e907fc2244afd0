import type { OfferSort } from '../../common/hub/market-types';
import type { LiveOffer } from './live-offer';
import { compareByPerformance, compareByPrice, compareByReliability, insertSorted, removeSorted } from './live-offer';

const SORTS: readonly OfferSort[] = ['price', 'reliability', 'performance'];
const COMPARE: Record<OfferSort, (a: LiveOffer, b: LiveOffer) => number> = {
  price: compareByPrice,
  reliability: compareByReliability,
  performance: compareByPerformance,
};

/** Past this many waiting additions, one sort beats that many binary-search inserts. */
const BULK_THRESHOLD = 64;

/**
 * One set of offers kept sorted three ways (price, reliability, performance). Additions
 * wait in a pending list and are merged when the set is next read: a few by binary-search
 * insert, many (a hub restoring 100,000 offers) by one sort — inserting 100,000 offers one
 * by one would move memory quadratically.
 */
export class SortedOfferLists {
  private readonly sorted: Record<OfferSort, LiveOffer[]> = { price: [], reliability: [], performance: [] };
  private pending: LiveOffer[] = [];
  private pendingSet = new Set<LiveOffer>();

  get size(): number {
    return this.sorted.price.length + this.pending.length;
  }

  add(offer: LiveOffer): void {
    if (this.pendingSet.has(offer)) return;
    this.pending.push(offer);
    this.pendingSet.add(offer);
  }

  /** Removes the offer; its sort keys must be those it was added with (remove before changing them). */
  remove(offer: LiveOffer): boolean {
    if (this.pendingSet.delete(offer)) {
      this.pending.splice(this.pending.indexOf(offer), 1);
      return true;
    }
    let removed = false;
    for (const sort of SORTS) removed = removeSorted(this.sorted[sort], offer, COMPARE[sort]) || removed;
    return removed;
  }

  /** The offers in `sort` order (merging pending additions first). */
  list(sort: OfferSort): readonly LiveOffer[] {
    this.merge();
    return this.sorted[sort];
  }

  resortByReliability(): void {
    this.merge();
    this.sorted.reliability.sort(compareByReliability);
  }

  private merge(): void {
    if (this.pending.length === 0) return;
    for (const sort of SORTS) {
      const list = this.sorted[sort];
      if (this.pending.length < BULK_THRESHOLD) for (const offer of this.pending) insertSorted(list, offer, COMPARE[sort]);
      else {
        for (const offer of this.pending) list.push(offer);
        list.sort(COMPARE[sort]);
      }
    }
    this.pending = [];
    this.pendingSet = new Set();
  }
}
