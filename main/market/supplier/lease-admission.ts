import type { WorkerLease } from '../../../common/hub/worker-messages';
import type { LendTerms } from '../../../common/market/lend-types';
import { isWithinSchedule } from '../../../common/market/offer-schedule';

/**
 * Whether this machine takes a lease the hub placed here, by the owner's own limits (the
 * hub should never place one that breaks them, but the owner's machine decides): only
 * shared GPUs, a duration inside min/max, and only inside the schedule. Null = take it;
 * otherwise the reason, in words the renter reads.
 */
export function leaseRefusal(lease: WorkerLease, terms: LendTerms, sharedGpuUuids: readonly string[], nowMs: number): string | null {
  const shared = new Set(sharedGpuUuids);
  const notShared = lease.gpuUuids.filter((uuid) => !shared.has(uuid));
  if (notShared.length > 0) return `This machine does not share GPU ${notShared.join(', ')}; the lease was refused.`;
  if (lease.gpuUuids.length === 0) return 'The lease names no GPU of this machine; it was refused.';
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
