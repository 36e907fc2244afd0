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

/** Whether an offer may hold any GPU of this request (the constraints, the lease length, the schedule). */
function admits(o: LiveOffer, r: BenchRequest, nowMs: number): boolean {
  const c = r.constraints;
  const needle = c.gpuModel?.toLowerCase();
  const maxPrice = c.maxPricePerGpuHour === undefined ? null : BigInt(c.maxPricePerGpuHour);
  return (
    (needle === undefined || o.gpuModelLower.includes(needle)) &&
    o.vramMiB >= (c.minVramMiB ?? 0) &&
    o.reliability >= (c.minReliability ?? 0) &&
    (maxPrice === null || o.pricePerGpuHour <= maxPrice) &&
    (c.interruptible === undefined || o.interruptible === c.interruptible) &&
    (c.region === undefined || o.region === c.region) &&
    r.leaseDurationMs >= o.minLeaseMs &&
    r.leaseDurationMs <= o.maxLeaseMs &&
    isWithinSchedule(o.schedule, nowMs)
  );
}

/**
 * Fast and wrong is no result. On a fresh market, each request alone: every plan ours
 * makes must satisfy the request (exact GPU count, constraints, one model when asked,
 * at most maxNodes machines, no more than a machine has free), and ours must find one
 * whenever one exists (checked exhaustively: per model group, the largest free counts
 * first, up to maxNodes machines). Returns the requests that broke a rule.
 */
function crossCheck(market: BenchMarket, offers: readonly LiveOffer[], list: readonly BenchRequest[], nowMs: number): string[] {
  const problems: string[] = [];
  list.forEach((r, i) => {
    const plan = market.placement.plan({ ...r, nowMs });
    const eligible = offers.filter((o) => o.freeGpus.length > 0 && admits(o, r, nowMs));
    const byModel = new Map<string, LiveOffer[]>();
    for (const o of eligible) byModel.set(o.gpuModel, [...(byModel.get(o.gpuModel) ?? []), o]);
    const groups = r.constraints.sameModel ? [...byModel.values()] : [eligible];
    const feasible = groups.some((group) => {
      const counts = group.map((o) => o.freeGpus.length).sort((a, b) => b - a);
      return counts.slice(0, r.constraints.maxNodes ?? counts.length).reduce((s, n) => s + n, 0) >= r.gpuCount;
    });
    if (!plan) {
      if (feasible) problems.push(`request ${i}: placeable, but no plan`);
      return;
    }
    const total = plan.reduce((s, n) => s + n.gpuCount, 0);
    if (total !== r.gpuCount) problems.push(`request ${i}: ${total} GPUs planned for ${r.gpuCount}`);
    if (r.constraints.maxNodes !== undefined && plan.length > r.constraints.maxNodes) problems.push(`request ${i}: ${plan.length} machines for maxNodes ${r.constraints.maxNodes}`);
    if (r.constraints.sameModel && new Set(plan.map((n) => n.offer.gpuModel)).size > 1) problems.push(`request ${i}: mixed models`);
    for (const n of plan) {
      if (!admits(n.offer, r, nowMs)) problems.push(`request ${i}: offer ${n.offer.offerId} breaks the constraints`);
      if (n.gpuCount > n.offer.freeGpus.length) problems.push(`request ${i}: ${n.gpuCount} GPUs of ${n.offer.offerId}, which has ${n.offer.freeGpus.length} free`);
    }
  });
  return problems;
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

  const checkCount = Math.min(requests, Number(process.env.BENCH_CHECK_REQUESTS ?? 2_000));
  console.log(`cross-check: ${checkCount} requests, each alone on a fresh market…`);
  const fresh = buildMarket(machines, 42);
  const freshOffers = [...Array(machines).keys()].map((i) => fresh.book.get(`ofr-${String(i).padStart(7, '0')}`)!);
  const problems = crossCheck(fresh, freshOffers, list.slice(0, checkCount), nowMs);
  for (const p of problems.slice(0, 10)) console.log(`cross-check: ${p}`);
  if (problems.length > 0) process.exitCode = 1;

  console.log(
    JSON.stringify({
      bench: 'placement',
      workers: machines,
      gpus: market.gpuCount,
      requests,
      ...ours,
      baseline: { name: 'first-fit scan over every machine', requests: baselineRequests, ...baseline },
      ratio_vs_baseline: round(ours.placements_per_s / baseline.placements_per_s, 2),
      cross_checked: checkCount,
      mismatches: problems.length,
      target: { placements_per_s: 1000, p99_ms: 10 },
    }),
  );
}

main();
