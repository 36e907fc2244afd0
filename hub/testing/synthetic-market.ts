import type { PlacementConstraints } from '../../common/hub/lease-types';
import { offerTermsSchema } from '../../common/hub/market-types';
import type { OfferSearchQueryInput } from '../../common/hub/market-types';
import { OfferBook } from '../market/offer-book';
import { OfferSearch } from '../market/offer-search';
import { FreeGpuIndex } from '../placement/free-gpu-index';
import { GangPlacement } from '../placement/gang-placement';

/**
 * A synthetic but plausible market for the placement and search benchmarks: machines with
 * 1–8 GPUs of a handful of real models (weighted like a consumer-heavy network), prices
 * spread around each model's going rate, regions, reliability, interruptible offers and
 * lease limits — built from a seeded PRNG so every run sees the same market.
 */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const BENCH_MODELS = [
  { model: 'NVIDIA GeForce RTX 4090', vramMiB: 24_564, price: 400_000, weight: 30 },
  { model: 'NVIDIA GeForce RTX 3090', vramMiB: 24_576, price: 250_000, weight: 20 },
  { model: 'NVIDIA GeForce RTX 3080', vramMiB: 10_240, price: 150_000, weight: 15 },
  { model: 'Tesla V100S-PCIE-32GB', vramMiB: 32_768, price: 600_000, weight: 10 },
  { model: 'NVIDIA A100-SXM4-80GB', vramMiB: 81_920, price: 1_800_000, weight: 10 },
  { model: 'NVIDIA H100 80GB HBM3', vramMiB: 81_559, price: 2_900_000, weight: 5 },
  { model: 'NVIDIA RTX A6000', vramMiB: 49_140, price: 800_000, weight: 5 },
  { model: 'NVIDIA L40S', vramMiB: 46_068, price: 1_000_000, weight: 5 },
] as const;
export const BENCH_REGIONS = ['eu-west', 'eu-central', 'us-east', 'us-west', 'ap-south'] as const;

export interface BenchMarket {
  search: OfferSearch;
  freeIndex: FreeGpuIndex;
  book: OfferBook;
  placement: GangPlacement;
  gpuCount: number;
}

function pick<T>(random: () => number, list: readonly T[]): T {
  return list[Math.floor(random() * list.length)]!;
}

function pickModel(random: () => number): (typeof BENCH_MODELS)[number] {
  const total = BENCH_MODELS.reduce((s, m) => s + m.weight, 0);
  let r = random() * total;
  for (const m of BENCH_MODELS) {
    r -= m.weight;
    if (r < 0) return m;
  }
  return BENCH_MODELS[0];
}

/** `machines` machines with one offer each of 1–`maxGpus` GPUs. */
export function buildMarket(machines: number, seed: number, maxGpus = 8): BenchMarket {
  const random = seededRandom(seed);
  const search = new OfferSearch();
  const freeIndex = new FreeGpuIndex();
  const book = new OfferBook(search, freeIndex);
  let gpuCount = 0;
  for (let i = 0; i < machines; i++) {
    const workerId = `wkr-${String(i).padStart(7, '0')}`;
    const m = pickModel(random);
    const count = 1 + Math.floor(random() * maxGpus);
    const gpus = Array.from({ length: count }, (_, index) => ({ uuid: `GPU-${i}-${index}`, model: m.model, vramMiB: m.vramMiB, index }));
    gpuCount += count;
    const owner = { workerId, supplier: `supplier-${i % 3000}`, region: pick(random, BENCH_REGIONS), gpus, reliability: Math.round((0.5 + random() * 0.5) * 1000) / 1000, trackRecord: true };
    const terms = offerTermsSchema.parse({
      gpuUuids: gpus.map((g) => g.uuid),
      pricePerGpuHour: String(Math.round(m.price * (0.7 + random() * 0.6))),
      minLeaseMs: random() < 0.1 ? 2 * 3_600_000 : 0,
      maxLeaseMs: random() < 0.1 ? 6 * 3_600_000 : 30 * 86_400_000,
      interruptible: random() < 0.3,
      schedule: [],
    });
    book.upsert(owner, `ofr-${String(i).padStart(7, '0')}`, terms, m.model, m.vramMiB);
    book.setWorkerListed(workerId, true);
  }
  return { search, freeIndex, book, placement: new GangPlacement(freeIndex), gpuCount };
}

export interface BenchRequest {
  gpuCount: number;
  constraints: PlacementConstraints;
  leaseDurationMs: number;
}

/** Cluster requests of 1–8 GPUs with a realistic mix of constraints. */
export function buildRequests(count: number, seed: number): BenchRequest[] {
  const random = seededRandom(seed);
  const out: BenchRequest[] = [];
  for (let i = 0; i < count; i++) {
    const m = pickModel(random);
    const c: PlacementConstraints = { sameModel: random() < 0.8 };
    if (random() < 0.6) c.gpuModel = m.model.split(' ').slice(-1)[0]!.split('-')[0]!; // "4090", "A100", "V100S" …
    if (random() < 0.3) c.minVramMiB = pick(random, [16_384, 24_000, 40_000, 80_000]);
    if (random() < 0.3) c.maxPricePerGpuHour = String(Math.round(m.price * (0.9 + random() * 0.5)));
    if (random() < 0.2) c.minReliability = pick(random, [0.6, 0.7, 0.8, 0.9]);
    if (random() < 0.1) c.region = pick(random, BENCH_REGIONS);
    if (random() < 0.2) c.interruptible = random() < 0.5;
    if (random() < 0.1) c.maxNodes = 1;
    out.push({ gpuCount: 1 + Math.floor(random() * 8), constraints: c, leaseDurationMs: pick(random, [3_600_000, 4 * 3_600_000, 24 * 3_600_000]) });
  }
  return out;
}

/** Search queries with 1–4 filters each and a sort. */
export function buildQueries(count: number, seed: number): OfferSearchQueryInput[] {
  const random = seededRandom(seed);
  const out: OfferSearchQueryInput[] = [];
  for (let i = 0; i < count; i++) {
    const m = pickModel(random);
    const q: OfferSearchQueryInput = { sort: pick(random, ['price', 'price', 'reliability', 'performance'] as const), limit: '50' };
    if (random() < 0.6) q.gpuModel = m.model.split(' ').slice(-1)[0]!.split('-')[0]!;
    if (random() < 0.3) q.minVramMiB = String(pick(random, [16_384, 24_000, 40_000, 80_000]));
    if (random() < 0.3) q.minGpus = String(pick(random, [2, 4, 8]));
    if (random() < 0.3) q.maxPricePerGpuHour = String(Math.round(m.price * (0.8 + random() * 0.4)));
    if (random() < 0.3) q.minReliability = String(pick(random, [0.6, 0.8, 0.9, 0.95]));
    if (random() < 0.2) q.interruptible = random() < 0.5 ? 'true' : 'false';
    if (random() < 0.2) q.region = pick(random, BENCH_REGIONS);
    if (random() < 0.1) q.offset = '100';
    out.push(q);
  }
  return out;
}

/** NaN for an empty sample: no measurement is never a passing one (NaN ≤ limit is false). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export const round = (n: number, digits = 3): number => Number(n.toFixed(digits));
