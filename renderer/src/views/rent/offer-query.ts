import { OFFER_SORTS } from '../../../../common/hub/market-types';
import type { OfferSort } from '../../../../common/hub/market-types';
import type { PlacementConstraints } from '../../../../common/hub/lease-types';
import { formatAmount, parseAmount } from '../../../../common/money/amount-text';
import type { TokenUnit } from '../../../../common/money/token';
import { PAYMENT_TOKEN } from '../../../../common/money/token-registry';
import type { OfferQuery } from '../../stores/rent-store';

/** The market filters as typed, and the search query (and cluster constraints) they make. */
export interface OfferFilters {
  gpuModel: string;
  /** GB, as people say it; sent as MiB. */
  minVramGb: string;
  minGpus: string;
  /** Payment token per GPU-hour. */
  maxPrice: string;
  /** Percent. */
  minReliability: string;
  kind: 'either' | 'on-demand' | 'interruptible';
  region: string;
  sort: OfferSort;
}

export type OfferFilterErrors = Partial<Record<keyof OfferFilters, string>>;

export const EMPTY_FILTERS: OfferFilters = { gpuModel: '', minVramGb: '', minGpus: '', maxPrice: '', minReliability: '', kind: 'either', region: '', sort: 'price' };

export const SORT_OPTIONS: ReadonlyArray<{ value: OfferSort; label: string }> = OFFER_SORTS.map((value) => ({
  value,
  label: value === 'price' ? 'Lowest price' : value === 'reliability' ? 'Most reliable' : 'Fastest',
}));

export function queryFromFilters(filters: OfferFilters, token: TokenUnit = PAYMENT_TOKEN): { query: OfferQuery | null; errors: OfferFilterErrors } {
  const errors: OfferFilterErrors = {};
  const query: OfferQuery = { sort: filters.sort };
  const model = filters.gpuModel.trim();
  if (model) query.gpuModel = model.slice(0, 96);
  if (filters.minVramGb.trim()) {
    const gb = Number(filters.minVramGb);
    if (!Number.isFinite(gb) || gb < 0 || gb > 16384) errors.minVramGb = 'GB of VRAM, e.g. 24.';
    else query.minVramMiB = Math.round(gb * 1024);
  }
  if (filters.minGpus.trim()) {
    const n = Number(filters.minGpus);
    if (!Number.isInteger(n) || n < 1 || n > 16) errors.minGpus = 'A whole number from 1 to 16.';
    else query.minGpus = n;
  }
  if (filters.maxPrice.trim()) {
    const price = parseAmount(filters.maxPrice, token);
    if (!price.ok) errors.maxPrice = price.error;
    else query.maxPricePerGpuHour = price.baseUnits.toString();
  }
  if (filters.minReliability.trim()) {
    const pct = Number(filters.minReliability.replace('%', ''));
    if (!Number.isFinite(pct) || pct < 0 || pct > 100) errors.minReliability = 'A percentage from 0 to 100.';
    else query.minReliability = pct / 100;
  }
  if (filters.kind !== 'either') query.interruptible = filters.kind === 'interruptible';
  const region = filters.region.trim().toLowerCase();
  if (region) {
    if (!/^[a-z0-9][a-z0-9-]{0,31}$/.test(region)) errors.region = 'Lower-case letters, digits and dashes, e.g. eu-west.';
    else query.region = region;
  }
  return Object.keys(errors).length ? { query: null, errors } : { query, errors };
}

/** The applied search, as the cluster's placement constraints (the same filters the hub places by). */
export function constraintsFromQuery(query: OfferQuery): Omit<PlacementConstraints, 'sameModel' | 'maxNodes'> {
  const c: Omit<PlacementConstraints, 'sameModel' | 'maxNodes'> = {};
  if (query.gpuModel) c.gpuModel = query.gpuModel;
  if (query.minVramMiB !== undefined) c.minVramMiB = query.minVramMiB;
  if (query.maxPricePerGpuHour) c.maxPricePerGpuHour = query.maxPricePerGpuHour;
  if (query.minReliability !== undefined) c.minReliability = query.minReliability;
  if (query.interruptible !== undefined) c.interruptible = query.interruptible;
  if (query.region) c.region = query.region;
  return c;
}

/** One line naming the constraints, for "placed on: V100 · ≥ 16 GB · ≤ 0.50 USDC/GPU-h". */
export function describeConstraints(c: Omit<PlacementConstraints, 'sameModel' | 'maxNodes'>, token: TokenUnit = PAYMENT_TOKEN): string[] {
  const parts: string[] = [];
  if (c.gpuModel) parts.push(`model contains “${c.gpuModel}”`);
  if (c.minVramMiB !== undefined) parts.push(`≥ ${Math.round(c.minVramMiB / 1024)} GB VRAM`);
  if (c.maxPricePerGpuHour) parts.push(`≤ ${formatAmount({ token, baseUnits: BigInt(c.maxPricePerGpuHour) }, { minFractionDigits: 2, symbol: true })}/GPU-h`);
  if (c.minReliability !== undefined) parts.push(`≥ ${Math.round(c.minReliability * 100)} % reliable`);
  if (c.interruptible !== undefined) parts.push(c.interruptible ? 'interruptible only' : 'on-demand only');
  if (c.region) parts.push(`region ${c.region}`);
  return parts;
}
