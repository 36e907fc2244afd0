import type { LiveOffer } from '../hub/market/live-offer';
import { isWithinSchedule } from '../common/market/offer-schedule';
import type { BenchMarket, BenchRequest } from '../hub/testing/synthetic-market';
import { collectGarbage } from '../hub/testing/collect-garbage';
import { buildMarket, buildRequests, percentile, round } from '../hub/testing/synthetic-market';

// `npm run bench -- placement`: gang placement in-process. 10,000 machines with 1–8 GPUs
// of mixed models; 100,000 cluster requests of 1–8 GPUs with constraints. Leases are held
// and released FIFO so the market stays around half booked (a market that only fills up
// measures nothing after the first minute). Each request is timed on its own (plan +
// reserve); releases are not timed. Baseline in the same run: a naive first-fit scan over
// every machine for the same requests (on fewer of them: it is much slower).
const machines = Number(process.env.BENCH_WORKERS ?? 10_000);
const requests = Number(process.env.BENCH_REQUESTS ?? 100_000);
const baselineRequests = Math.min(requests, Number(process.env.BENCH_BASELINE_REQUESTS ?? 10_000));
const heldShare = 0.5;

interface RunResult {
  requests: number;
  placed: number;
  latenciesMs: number[];
  totalMs: number;
}

function run(market: BenchMarket, list: readonly BenchRequest[], place: (r: BenchRequest, leaseId: string) => Array<{ offer: LiveOffer; gpuUuids: string[] }> | null): RunResult {
  const held: Array<{ leaseId: string; nodes: Array<{ offer: LiveOffer; gpuUuids: string[] }>; gpus: number }> = [];
  let heldGpus = 0;
  const latenciesMs: number[] = [];
  let placed = 0;
  let totalNs = 0n;
  list.forEach((request, i) => {
    const leaseId = `lease-${i}`;
    const t0 = process.hrtime.bigint();
    const nodes = place(request, leaseId);
    const dt = process.hrtime.bigint() - t0;
    totalNs += dt;
    latenciesMs.push(Number(dt) / 1e6);
    if (nodes) {
      placed += 1;
      held.push({ leaseId, nodes, gpus: request.gpuCount });
      heldGpus += request.gpuCount;
    }
    while (heldGpus > market.gpuCount * heldShare) {
      const lease = held.shift()!;
      for (const n of lease.nodes) market.book.release(n.offer.workerId, n.gpuUuids, lease.leaseId);
      heldGpus -= lease.gpus;
    }
  });
  return { requests: list.length, placed, latenciesMs, totalMs: Number(totalNs) / 1e6 };
}

/** First fit: walk every machine in order, take what fits the constraints until N GPUs are found. */
function firstFit(offers: readonly LiveOffer[], market: BenchMarket, r: BenchRequest, leaseId: string, nowMs: number) {
  const c = r.constraints;
  const needle = c.gpuModel?.toLowerCase();
  const maxPrice = c.maxPricePerGpuHour === undefined ? null : BigInt(c.maxPricePerGpuHour);
  const chosen: Array<{ offer: LiveOffer; count: number }> = [];
  let remaining = r.gpuCount;
  let model: string | null = null;
  for (const o of offers) {
    if (remaining === 0) break;
    const free = o.freeGpus.length;
    if (free === 0) continue;
    if (needle !== undefined && !o.gpuModelLower.includes(needle)) continue;
    if (c.sameModel && model !== null && o.gpuModel !== model) continue;
    if (o.vramMiB < (c.minVramMiB ?? 0) || o.reliability < (c.minReliability ?? 0)) continue;
    if (maxPrice !== null && o.pricePerGpuHour > maxPrice) continue;
    if (c.interruptible !== undefined && o.interruptible !== c.interruptible) continue;
    if (c.region !== undefined && o.region !== c.region) continue;
    if (r.leaseDurationMs < o.minLeaseMs || r.leaseDurationMs > o.maxLeaseMs) continue;
    if (!isWithinSchedule(o.schedule, nowMs)) continue;
    if (c.maxNodes === 1 && free < r.gpuCount) continue;
    const take = Math.min(free, remaining);
    chosen.push({ offer: o, count: take });
    model ??= o.gpuModel;
    remaining -= take;
    if (c.maxNodes !== undefined && chosen.length > c.maxNodes) return null;
  }
  if (remaining > 0) return null;
  return chosen.map(({ offer, count }) => ({ offer, gpuUuids: market.book.take(offer, count, leaseId) }));
}

function summarize(r: RunResult) {
  const sorted = [...r.latenciesMs].sort((a, b) => a - b);
  return {
    placements_per_s: round(r.requests / (r.totalMs / 1000), 0),
    p50_ms: round(percentile(sorted, 50), 4),
    p99_ms: round(percentile(sorted, 99), 4),
    max_ms: round(sorted.at(-1) ?? 0, 3),
    placed: r.placed,
    unplaceable: r.requests - r.placed,
  };
}

function main(): void {
  const nowMs = Date.now();
  const list = buildRequests(requests, 7);
  console.log(`building ${machines} machines…`);
  const market = buildMarket(machines, 42);
  console.log(`${market.gpuCount} GPUs; placing ${requests} cluster requests…`);
  // Warm up the JIT on a copy so the measured run starts hot, as a running hub is.
  const warm = buildMarket(Math.min(machines, 1000), 43);
  run(warm, buildRequests(5_000, 8), (r, id) => warm.placement.place({ ...r, nowMs }, (o, n) => warm.book.take(o, n, id)));
  collectGarbage();
  const ours = summarize(run(market, list, (r, id) => market.placement.place({ ...r, nowMs }, (o, n) => market.book.take(o, n, id))));

  console.log(`baseline: first-fit scan, ${baselineRequests} requests…`);
  const naive = buildMarket(machines, 42);
  const offers = [...Array(machines).keys()].map((i) => naive.book.get(`ofr-${String(i).padStart(7, '0')}`)!);
  collectGarbage();
  const baseline = summarize(run(naive, list.slice(0, baselineRequests), (r, id) => firstFit(offers, naive, r, id, nowMs)));

  console.log(
    JSON.stringify({
      bench: 'placement',
      workers: machines,
      gpus: market.gpuCount,
      requests,
      ...ours,
      baseline: { name: 'first-fit scan over every machine', requests: baselineRequests, ...baseline },
      ratio_vs_baseline: round(ours.placements_per_s / baseline.placements_per_s, 2),
      target: { placements_per_s: 1000, p99_ms: 10 },
    }),
  );
}

main();
