import type { MarketHub } from '../market-hub';
import { medianPrice } from './offer-plan';

/** Pages of the hub's search read for the median (200 offers each). */
const MEDIAN_PAGES = 5;

/**
 * The median price per GPU-hour of the hub's offers of exactly this GPU model (the search
 * matches part of the name), from up to 1,000 offers: what the offer form suggests. The
 * owner's own offers (by supplier address) are left out: "median (1 offer)" of one's own
 * price says nothing about the market.
 */
export async function marketMedian(hub: MarketHub, gpuModel: string, ownSuppliers: readonly string[] = []): Promise<{ gpuModel: string; medianPricePerGpuHour: string | null; offers: number }> {
  const own = new Set(ownSuppliers.filter(Boolean));
  const client = hub.publicClient();
  const prices: string[] = [];
  let offset: number | null = 0;
  for (let page = 0; page < MEDIAN_PAGES && offset !== null; page++) {
    const result = await client.searchOffers({ gpuModel, limit: 200, offset });
    // The search matches part of the name; the median is of this exact model.
    for (const o of result.offers) if (o.gpuModel.toLowerCase() === gpuModel.toLowerCase() && !own.has(o.supplier)) prices.push(o.pricePerGpuHour);
    offset = result.nextOffset;
  }
  return { gpuModel, medianPricePerGpuHour: medianPrice(prices), offers: prices.length };
}
