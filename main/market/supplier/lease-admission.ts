import type { WorkerLease } from '../../../common/hub/worker-messages';
import type { LendTerms } from '../../../common/market/lend-types';
import { nodeCostForIncrement } from '../../../common/hub/base-units';
import { isWithinSchedule } from '../../../common/market/offer-schedule';

/**
 * The bounds on the payment increment a hub may ask for. What an increment must pay is
 * price × GPUs × increment length, so a hub sending an absurd length could make the
 * machine expect (and accept) a payment that does not cover the time it serves.
 */
export const MIN_INCREMENT_MS = 1_000;
export const MAX_INCREMENT_MS = 60 * 60_000;

/**
 * What increment `increment` (0-based, as on the wire) of `lease` must pay this machine,
 * from the price it was placed at (checked at admission against the owner's own price), its
 * GPUs and the increment length; increments differ by at most one base unit so that they
 * sum exactly to the lease's cost (common/hub/base-units.ts `costForIncrement`).
 * Null for a lease stored before leases carried their price.
 */
export function expectedIncrementAmount(lease: WorkerLease, increment: number): bigint | null {
  if (lease.pricePerGpuHour === undefined) return null;
  const incrementMs = Math.min(Math.max(lease.incrementMs, MIN_INCREMENT_MS), MAX_INCREMENT_MS);
  return nodeCostForIncrement({ pricePerGpuHour: lease.pricePerGpuHour, gpuCount: lease.gpuUuids.length, egressPricePerHour: leaseEgressPrice(lease) }, incrementMs, increment);
}

/**
 * The egress price a lease pays this machine, or null when its job has no internet access:
 * the job must ask for egress AND the hub must have priced it, else the firewall stays shut.
 */
export function leaseEgressPrice(lease: WorkerLease): string | null {
  return lease.job.egress === true && lease.egressPricePerHour !== undefined ? lease.egressPricePerHour : null;
}

/**
 * Whether this machine takes a lease the hub placed here, by the owner's own limits (the
 * hub should never place one that breaks them, but the owner's machine decides): only
 * shared GPUs, at no less than the owner's price, a sane increment length, a duration inside
 * min/max, and only inside the schedule. Null = take it;
 * otherwise the reason, in words the renter reads.
 */
export function leaseRefusal(lease: WorkerLease, terms: LendTerms, sharedGpuUuids: readonly string[], nowMs: number): string | null {
  const shared = new Set(sharedGpuUuids);
  const notShared = lease.gpuUuids.filter((uuid) => !shared.has(uuid));
  if (notShared.length > 0) return `This machine does not share GPU ${notShared.join(', ')}; the lease was refused.`;
  if (lease.gpuUuids.length === 0) return 'The lease names no GPU of this machine; it was refused.';
  if (!Number.isSafeInteger(lease.incrementMs) || lease.incrementMs < MIN_INCREMENT_MS || lease.incrementMs > MAX_INCREMENT_MS) {
    return `The hub asks for payment increments of ${lease.incrementMs} ms; this machine takes increments from ${MIN_INCREMENT_MS / 1000} s to ${MAX_INCREMENT_MS / 60_000} min.`;
  }
  if (lease.pricePerGpuHour !== undefined && BigInt(lease.pricePerGpuHour) < BigInt(terms.pricePerGpuHour)) {
    return `The lease pays ${lease.pricePerGpuHour} base units per GPU-hour, below this machine's price of ${terms.pricePerGpuHour}; it was refused.`;
  }
  if (lease.job.egress === true) {
    // Internet access is the owner's to sell: never on a machine that does not offer it, never below its price.
    if (terms.egressPricePerHour == null) return 'The job asks for internet access; this machine does not offer egress, so the lease was refused.';
    if (lease.egressPricePerHour === undefined || BigInt(lease.egressPricePerHour) < BigInt(terms.egressPricePerHour)) {
      return `The job asks for internet access paying ${lease.egressPricePerHour ?? 'nothing'} base units per node-hour, below this machine's egress price of ${terms.egressPricePerHour}; it was refused.`;
    }
  }
  const durationMs = lease.incrementCount * lease.incrementMs;
  if (durationMs < terms.minLeaseMs) return `The lease runs ${minutes(durationMs)}, shorter than this machine's minimum of ${minutes(terms.minLeaseMs)}.`;
  if (durationMs > terms.maxLeaseMs) return `The lease runs ${minutes(durationMs)}, longer than this machine's maximum of ${minutes(terms.maxLeaseMs)}.`;
  // Outside the schedule no NEW lease starts; a lease that already started finishes.
  if (lease.startedAtMs === null && !isWithinSchedule(terms.schedule, nowMs)) return "This machine's schedule does not take new leases right now.";
  return null;
}

function minutes(ms: number): string {
  return ms >= 3_600_000 ? `${Math.round((ms / 3_600_000) * 10) / 10} h` : `${Math.round(ms / 60_000)} min`;
}
