import type { TokenUnit } from '../../common/money/token';
import type { OfferListing, OfferTerms, ScheduleWindow } from '../../common/hub/market-types';

/**
 * An offer as the hub's indexes hold it: the published terms flattened into the fields
 * search and placement compare, plus the GPUs that are free right now. One object is
 * shared by the search index and the placement index, so a reservation is visible to both
 * at once.
 */
export interface LiveOffer {
  readonly offerId: string;
  readonly workerId: string;
  readonly supplier: string;
  gpuModel: string;
  /** Lower-case model for case-insensitive matching, computed once. */
  gpuModelLower: string;
  vramMiB: number;
  region: string;
  terms: OfferTerms;
  pricePerGpuHour: bigint;
  /**
   * The price as a number for sorting. Exact below 2^53 base units per GPU-hour (nine
   * billion USDC), which no real offer reaches; money arithmetic always uses the bigint.
   */
  priceSort: number;
  interruptible: boolean;
  minLeaseMs: number;
  maxLeaseMs: number;
  schedule: readonly ScheduleWindow[];
  /** 0…1, refreshed from the worker's reputation. */
  reliability: number;
  /** False while the worker has no track record: its reliability is only the priors. */
  trackRecord: boolean;
  /** FP32 TFLOPS per GPU from the catalog; 0 when the model is unknown. */
  performance: number;
  /** The offer's GPUs not held by any lease, in the offer's order. */
  freeGpus: string[];
}

export function compareByPrice(a: LiveOffer, b: LiveOffer): number {
  return a.priceSort - b.priceSort || compareIds(a.offerId, b.offerId);
}

export function compareByReliability(a: LiveOffer, b: LiveOffer): number {
  return b.reliability - a.reliability || a.priceSort - b.priceSort || compareIds(a.offerId, b.offerId);
}

export function compareByPerformance(a: LiveOffer, b: LiveOffer): number {
  return b.performance - a.performance || a.priceSort - b.priceSort || compareIds(a.offerId, b.offerId);
}

export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Where `item` is, or belongs, in `sorted` (binary search with the array's comparator). */
export function sortedIndexOf<T>(sorted: readonly T[], item: T, compare: (a: T, b: T) => number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compare(sorted[mid]!, item) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function insertSorted<T>(sorted: T[], item: T, compare: (a: T, b: T) => number): void {
  sorted.splice(sortedIndexOf(sorted, item, compare), 0, item);
}

/** Removes `item` (found by its sort key, then by identity); false if it was not there. */
export function removeSorted<T>(sorted: T[], item: T, compare: (a: T, b: T) => number): boolean {
  const at = sortedIndexOf(sorted, item, compare);
  if (sorted[at] === item) {
    sorted.splice(at, 1);
    return true;
  }
  const fallback = sorted.indexOf(item);
  if (fallback < 0) return false;
  sorted.splice(fallback, 1);
  return true;
}

/** A search result; `token` is the hub's payment token, the unit of `pricePerGpuHour`. */
export function toListing(o: LiveOffer, token: TokenUnit): OfferListing {
  return {
    offerId: o.offerId,
    workerId: o.workerId,
    supplier: o.supplier,
    gpuModel: o.gpuModel,
    vramMiB: o.vramMiB,
    gpuCount: o.terms.gpuUuids.length,
    freeGpus: o.freeGpus.length,
    pricePerGpuHour: o.terms.pricePerGpuHour,
    token: token.symbol,
    interruptible: o.interruptible,
    minLeaseMs: o.minLeaseMs,
    maxLeaseMs: o.maxLeaseMs,
    region: o.region,
    reliability: Math.round(o.reliability * 1000) / 1000,
    newMachine: !o.trackRecord,
    performance: o.performance,
    // Only offers that sell egress say so (older listings, and offers without it, omit it).
    ...(o.terms.egressPricePerHour != null ? { egressPricePerHour: o.terms.egressPricePerHour } : {}),
  };
}

export function priceSortKey(price: bigint): number {
  return price > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(price);
}
