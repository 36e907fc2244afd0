import type { PlacementConstraints } from '../../common/hub/lease-types';
import { MAX_GPUS_PER_OFFER } from '../../common/hub/market-types';
import type { LiveOffer } from '../market/live-offer';
import { compareIds } from '../market/live-offer';
import { isWithinSchedule } from '../../common/market/offer-schedule';
import type { FreeGpuIndex, ModelGroup } from './free-gpu-index';

export interface PlacementRequest {
  gpuCount: number;
  constraints: PlacementConstraints;
  /** The lease length, checked against each offer's minimum and maximum; null when not known yet (budget). */
  leaseDurationMs: number | null;
  nowMs: number;
  /**
   * The renter's own wallet: its offers are skipped. A renter paying itself moves no money,
   * so its own machines could never verify the payment (and would earn nothing).
   */
  excludeSupplier?: string;
  /** A last say per offer (the hub's exposure caps on new identities); every offer when absent. */
  admit?: (offer: LiveOffer) => boolean;
  /** The job asks to run as root: only offers whose owners allow it (issue 14, item 5). */
  runAsRoot?: boolean;
  /** The job asks for internet egress: only offers that sell it (`egressPricePerHour`). */
  egress?: boolean;
}

export interface PlannedNode {
  offer: LiveOffer;
  gpuCount: number;
}

export interface ReservedNode {
  offer: LiveOffer;
  gpuUuids: string[];
}

/**
 * Gang placement: every GPU of a cluster or none.
 *
 * Policy, in order: fewest machines (a distributed job is only as fast as its slowest
 * link), then the lowest price, then the best fit (the smallest free block that holds the
 * rest, leaving big blocks for big requests), then offer id — so the same market and the
 * same request always give the same placement.
 *
 * Greedy over the index: while GPUs remain, take the cheapest single offer that can hold
 * all of them; if none can, take the cheapest offer with the largest free block and go on.
 * With `sameModel` (the default) each model is planned on its own and the best plan wins.
 *
 * `place` plans and reserves in one synchronous call with no await inside: Node runs one
 * piece of JavaScript at a time, so no other request can observe or take these GPUs
 * between the plan and the reservation. That is the critical section that keeps two
 * concurrent requests from ever booking the same GPU.
 */
export class GangPlacement {
  constructor(private readonly index: FreeGpuIndex) {}

  /** Plans, then reserves every planned GPU through `take` (which updates the offer and the indexes). */
  place(request: PlacementRequest, take: (offer: LiveOffer, count: number) => string[]): ReservedNode[] | null {
    const plan = this.plan(request);
    if (!plan) return null;
    return plan.map((node) => ({ offer: node.offer, gpuUuids: take(node.offer, node.gpuCount) }));
  }

  plan(request: PlacementRequest): PlannedNode[] | null {
    const { constraints } = request;
    const needle = constraints.gpuModel?.toLowerCase();
    const minVram = constraints.minVramMiB ?? 0;
    const groups: ModelGroup[] = [];
    for (const group of this.index.groups.values()) {
      if (needle !== undefined && !group.gpuModelLower.includes(needle)) continue;
      if (group.maxVramMiB < minVram) continue;
      groups.push(group);
    }
    if (groups.length === 0) return null;
    const accept = acceptor(request);
    if (!constraints.sameModel) return planWithin(groups, request, accept);
    let best: PlannedNode[] | null = null;
    let bestCost = 0;
    for (const group of groups) {
      const plan = planWithin([group], request, accept);
      if (!plan) continue;
      const cost = hourlyCost(plan);
      if (
        !best ||
        plan.length < best.length ||
        (plan.length === best.length && (cost < bestCost || (cost === bestCost && compareIds(plan[0]!.offer.gpuModel, best[0]!.offer.gpuModel) < 0)))
      ) {
        best = plan;
        bestCost = cost;
      }
    }
    return best;
  }
}

/** `chosen`: workers already in the plan (a lease has at most one node per machine). */
type Acceptor = (offer: LiveOffer, chosen: ReadonlySet<string>) => boolean;

function acceptor(request: PlacementRequest): Acceptor {
  const c = request.constraints;
  const minVram = c.minVramMiB ?? 0;
  const minReliability = c.minReliability ?? 0;
  const duration = request.leaseDurationMs;
  return (o, chosen) =>
    o.vramMiB >= minVram &&
    o.reliability >= minReliability &&
    (c.interruptible === undefined || o.interruptible === c.interruptible) &&
    (c.region === undefined || o.region === c.region) &&
    (duration === null || (duration >= o.minLeaseMs && duration <= o.maxLeaseMs)) &&
    (o.schedule.length === 0 || isWithinSchedule(o.schedule, request.nowMs)) &&
    o.supplier !== request.excludeSupplier &&
    (request.runAsRoot !== true || o.terms.allowsRootJobs === true) &&
    (request.egress !== true || o.terms.egressPricePerHour != null) &&
    !chosen.has(o.workerId) &&
    (request.admit === undefined || request.admit(o));
}

function planWithin(groups: readonly ModelGroup[], request: PlacementRequest, accept: Acceptor): PlannedNode[] | null {
  const maxPrice = request.constraints.maxPricePerGpuHour === undefined ? null : BigInt(request.constraints.maxPricePerGpuHour);
  const maxNodes = request.constraints.maxNodes ?? Infinity;
  const chosen = new Set<string>();
  const plan: PlannedNode[] = [];
  let remaining = request.gpuCount;
  while (remaining > 0) {
    if (plan.length >= maxNodes) return null;
    // The cheapest offer that holds everything that is left (best fit on equal price).
    let whole: LiveOffer | null = null;
    for (let k = Math.min(remaining, MAX_GPUS_PER_OFFER + 1); k <= MAX_GPUS_PER_OFFER; k++) {
      const candidate = cheapestIn(groups, k, maxPrice, accept, chosen);
      // k rises, so on equal price the first found is the best fit: replace only if cheaper.
      if (candidate && (!whole || candidate.priceSort < whole.priceSort)) whole = candidate;
    }
    if (whole) {
      plan.push({ offer: whole, gpuCount: remaining });
      return plan;
    }
    // Otherwise the largest free block there is, cheapest first.
    let block: LiveOffer | null = null;
    for (let k = Math.min(remaining - 1, MAX_GPUS_PER_OFFER); k >= 1 && !block; k--) block = cheapestIn(groups, k, maxPrice, accept, chosen);
    if (!block) return null;
    // A plan that could not finish within maxNodes with blocks this size fails early.
    if (plan.length + 1 + Math.ceil((remaining - block.freeGpus.length) / block.freeGpus.length) > maxNodes) return null;
    chosen.add(block.workerId);
    plan.push({ offer: block, gpuCount: block.freeGpus.length });
    remaining -= block.freeGpus.length;
  }
  return plan;
}

/** The cheapest acceptable offer with exactly `free` free GPUs across the groups. */
function cheapestIn(groups: readonly ModelGroup[], free: number, maxPrice: bigint | null, accept: Acceptor, chosen: ReadonlySet<string>): LiveOffer | null {
  let best: LiveOffer | null = null;
  for (const group of groups) {
    const bucket = group.buckets[free]!;
    for (let i = 0; i < bucket.length; i++) {
      const o = bucket[i]!;
      if (best && (o.priceSort > best.priceSort || (o.priceSort === best.priceSort && compareIds(o.offerId, best.offerId) > 0))) break;
      if (maxPrice !== null && o.pricePerGpuHour > maxPrice) break; // sorted by price
      if (!accept(o, chosen)) continue;
      best = o;
      break;
    }
  }
  return best;
}

function hourlyCost(plan: readonly PlannedNode[]): number {
  let cost = 0;
  for (const node of plan) cost += node.offer.priceSort * node.gpuCount;
  return cost;
}
