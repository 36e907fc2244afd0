import { USDC } from '../common/money/token-registry';
import type { OfferSearchQuery } from '../common/hub/market-types';
import { offerSearchQuerySchema } from '../common/hub/market-types';
import type { LiveOffer } from '../hub/market/live-offer';
import { compareByPerformance, compareByPrice, compareByReliability, toListing } from '../hub/market/live-offer';
import { isWithinSchedule } from '../common/market/offer-schedule';
import { collectGarbage } from '../hub/testing/collect-garbage';
import { buildMarket, buildQueries, percentile, round, seededRandom } from '../hub/testing/synthetic-market';

// `npm run bench -- search`: offer search over 100,000 listed offers (machines with 1–8
// GPUs of mixed models, about a third partly leased) with 1–4 filters and a sort per
// query, in-process, each query timed on its own. Baseline in the same run: filter every
// offer, sort the matches, slice the page — what a search without pre-sorted indexes does.
const offerCount = Number(process.env.BENCH_OFFERS ?? 100_000);
const queryCount = Number(process.env.BENCH_QUERIES ?? 10_000);
const baselineQueries = Math.min(queryCount, Number(process.env.BENCH_BASELINE_QUERIES ?? 1_000));

function naiveSearch(all: readonly LiveOffer[], q: OfferSearchQuery, nowMs: number) {
  const needle = q.gpuModel?.toLowerCase();
  const maxPrice = q.maxPricePerGpuHour === undefined ? null : BigInt(q.maxPricePerGpuHour);
  const matches = all.filter(
    (o) =>
      o.freeGpus.length >= (q.minGpus ?? 1) &&
      o.vramMiB >= (q.minVramMiB ?? 0) &&
      o.reliability >= (q.minReliability ?? 0) &&
      (maxPrice === null || o.pricePerGpuHour <= maxPrice) &&
      (q.interruptible === undefined || o.interruptible === q.interruptible) &&
      (q.region === undefined || o.region === q.region) &&
      (needle === undefined || o.gpuModelLower.includes(needle)) &&
      isWithinSchedule(o.schedule, nowMs),
  );
  matches.sort(q.sort === 'price' ? compareByPrice : q.sort === 'reliability' ? compareByReliability : compareByPerformance);
  return matches.slice(q.offset, q.offset + q.limit).map((o) => toListing(o, USDC));
}

function time(queries: readonly OfferSearchQuery[], run: (q: OfferSearchQuery) => unknown): number[] {
  return queries.map((q) => {
    const t0 = process.hrtime.bigint();
    run(q);
    return Number(process.hrtime.bigint() - t0) / 1e6;
  });
}

function stats(latencies: number[]) {
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    p50_ms: round(percentile(sorted, 50), 4),
    p99_ms: round(percentile(sorted, 99), 4),
    max_ms: round(sorted.at(-1) ?? 0, 3),
    mean_ms: round(latencies.reduce((s, x) => s + x, 0) / Math.max(1, latencies.length), 4),
  };
}

function main(): void {
  const nowMs = Date.now();
  console.log(`building ${offerCount} offers…`);
  const market = buildMarket(offerCount, 42);
  // Lease part of the market so free counts vary, as in a live hub.
  const random = seededRandom(99);
  const all: LiveOffer[] = [];
  for (let i = 0; i < offerCount; i++) {
    const offer = market.book.get(`ofr-${String(i).padStart(7, '0')}`)!;
    all.push(offer);
    if (random() < 0.35) market.book.take(offer, 1 + Math.floor(random() * offer.freeGpus.length), `lease-${i}`);
  }
  const queries = buildQueries(queryCount, 5).map((q) => offerSearchQuerySchema.parse(q));
  time(queries.slice(0, 500), (q) => market.search.search(q, nowMs)); // warm-up
  collectGarbage();
  console.log(`${queryCount} queries…`);
  let returned = 0;
  const ours = stats(time(queries, (q) => (returned += market.search.search(q, nowMs).offers.length)));
  console.log(`baseline: filter + sort per query, ${baselineQueries} queries…`);
  collectGarbage();
  const baseline = stats(time(queries.slice(0, baselineQueries), (q) => naiveSearch(all, q, nowMs)));
  // Fast and wrong is no result: both must return the same page, offer by offer, in order.
  let mismatches = 0;
  for (const q of queries.slice(0, baselineQueries)) {
    const fast = market.search.search(q, nowMs).offers.map((o) => o.offerId).join(',');
    const slow = naiveSearch(all, q, nowMs).map((o) => o.offerId).join(',');
    if (fast !== slow) mismatches++;
  }
  if (mismatches > 0) process.exitCode = 1;
  console.log(
    JSON.stringify({
      bench: 'search',
      offers: market.search.size,
      queries: queryCount,
      mean_results: round(returned / queryCount, 1),
      ...ours,
      baseline: { name: 'filter every offer, sort matches, slice', queries: baselineQueries, ...baseline },
      p99_ratio_vs_baseline: round(baseline.p99_ms / ours.p99_ms, 1),
      cross_checked: baselineQueries,
      mismatches,
      target: { p99_ms: 20 },
    }),
  );
}

main();
