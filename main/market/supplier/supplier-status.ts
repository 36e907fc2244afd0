import type { Offer } from '../../../common/hub/market-types';
import { THERMAL_RESUME_MARGIN_C } from '../../../common/market/lend-types';
import type { LendTerms, SupplierAttestation, SupplierState, SupplierStatus, ThermalGuardState } from '../../../common/market/lend-types';
import { isWithinSchedule } from '../../../common/market/offer-schedule';
import { toSupplierLease } from './supplier-lease-store';
import type { StoredLease } from './supplier-lease-store';

/** Everything the supplier's status shows, as the session's parts know it at one moment. */
export interface SupplierStatusInput {
  sharingEnabled: boolean;
  terms: LendTerms;
  /** GPUs this machine offers (after the terms' choice and detection). */
  sharedGpuUuids: string[];
  /** Recent leases, newest first, each with what its verified payments came to. */
  leases: ReadonlyArray<{ stored: StoredLease; earned: bigint }>;
  /** Why sharing cannot go on (shown as the error), or null. */
  problem: string | null;
  connected: boolean;
  hubUrl: string | null;
  workerId: string | null;
  offers: Offer[];
  guard: ThermalGuardState;
  /** Verified payments since local midnight, base units. */
  todayEarned: bigint;
  nowMs: number;
  /** Each lease's GPU check as this app knows it. */
  attestationOf?: (leaseId: string) => SupplierAttestation | null;
}

/**
 * The supplier's state in one word and in plain words, from the facts: a problem wins,
 * then "off" (sharing off and nothing running), "connecting", "paused-hot", "running",
 * and otherwise "sharing" (inside or outside the schedule). Pure, so each rule is tested alone.
 */
export function supplierStatus(input: SupplierStatusInput): SupplierStatus {
  const { terms, sharingEnabled } = input;
  const shared = input.sharedGpuUuids;
  const active = input.leases.map((l) => l.stored).filter((l) => l.state !== 'ended');
  let state: SupplierState;
  let message: string;
  if (input.problem) {
    state = 'error';
    message = input.problem;
  } else if (!sharingEnabled && active.length === 0) {
    state = 'off';
    message = 'Sharing is off. Start sharing to offer your GPUs on the market.';
  } else if (!input.connected) {
    state = 'connecting';
    message = 'Connecting to the market hub…';
  } else if (active.some((l) => l.state === 'paused-hot')) {
    state = 'paused-hot';
    message = `A job is paused: its GPU went above ${terms.maxTemperatureC} °C. It resumes below ${terms.maxTemperatureC - THERMAL_RESUME_MARGIN_C} °C.`;
  } else if (active.length > 0) {
    state = 'running';
    message = `Running ${active.length} lease${active.length === 1 ? '' : 's'}.${sharingEnabled ? '' : ' Sharing is off: no new leases after these.'}`;
  } else {
    state = 'sharing';
    message = isWithinSchedule(terms.schedule, input.nowMs)
      ? `Sharing ${shared.length} GPU${shared.length === 1 ? '' : 's'}; waiting for a renter.`
      : 'Sharing, but outside your schedule: no new leases until the next window.';
  }
  return {
    state,
    message,
    sharingEnabled,
    hubUrl: input.hubUrl,
    workerId: input.workerId,
    sharedGpuUuids: shared,
    offers: input.offers,
    leases: input.leases.map((l) => {
      const lease = toSupplierLease(l.stored, l.earned);
      const attestation = input.attestationOf?.(lease.leaseId) ?? null;
      return attestation ? { ...lease, attestation } : lease;
    }),
    guard: input.guard,
    scheduleOpen: isWithinSchedule(terms.schedule, input.nowMs),
    todayEarned: input.todayEarned.toString(),
  };
}
