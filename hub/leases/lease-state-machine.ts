import type { LeaseEndReason, LeaseState } from '../../common/hub/lease-types';

/**
 * The lease lifecycle:
 *
 *   reserved ──paid──▶ paid ──▶ starting ──▶ running ──▶ ended {completed, terminated,
 *       │                │          │                         unpaid, supplier-lost, failed}
 *       └────────────────┴──────────┴──────────────────────────▶ ended
 *
 * A reservation can only end as unpaid (its deadline passed), terminated (the renter let
 * go) or supplier-lost / failed (a machine left or refused before the start); "completed"
 * needs a lease that ran. Ended is final.
 */
const NEXT: Record<LeaseState, readonly LeaseState[]> = {
  reserved: ['paid', 'ended'],
  paid: ['starting', 'ended'],
  starting: ['running', 'ended'],
  running: ['ended'],
  ended: [],
};

const END_REASONS_FROM: Record<LeaseState, readonly LeaseEndReason[]> = {
  reserved: ['unpaid', 'terminated', 'supplier-lost', 'failed'],
  paid: ['completed', 'terminated', 'unpaid', 'supplier-lost', 'failed'],
  starting: ['completed', 'terminated', 'unpaid', 'supplier-lost', 'failed'],
  running: ['completed', 'terminated', 'unpaid', 'supplier-lost', 'failed'],
  ended: [],
};

/** A lease asked to move to a state (or end for a reason) its state machine does not allow from where it is. */
export class LeaseTransitionError extends Error {
  constructor(
    readonly from: LeaseState,
    readonly to: LeaseState,
    readonly endReason: LeaseEndReason | null,
  ) {
    super(`A lease cannot go from ${from} to ${to}${endReason ? ` (${endReason})` : ''}.`);
    this.name = 'LeaseTransitionError';
  }
}

export function canTransition(from: LeaseState, to: LeaseState, endReason: LeaseEndReason | null): boolean {
  if (!NEXT[from].includes(to)) return false;
  if (to === 'ended') return endReason !== null && END_REASONS_FROM[from].includes(endReason);
  return endReason === null;
}

export function assertTransition(from: LeaseState, to: LeaseState, endReason: LeaseEndReason | null): void {
  if (!canTransition(from, to, endReason)) throw new LeaseTransitionError(from, to, endReason);
}

/** Leases in these states hold their GPUs. */
export function isActive(state: LeaseState): boolean {
  return state !== 'ended';
}

/** Leases in these states have been paid for and are (about to be) running on the machines. */
export function hasStarted(state: LeaseState): boolean {
  return state === 'paid' || state === 'starting' || state === 'running';
}
