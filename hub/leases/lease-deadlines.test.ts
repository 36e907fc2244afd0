import { describe, expect, it } from 'vitest';
import type { StoredLease, StoredPayment } from '../store/hub-store';
import { dueAction } from './lease-deadlines';
import type { DeadlineLease } from './lease-deadlines';

const INC = 600_000;
const GRACE = 60_000;

function lease(state: StoredLease['state'], paidIncrements: number[], extra: Partial<DeadlineLease> = {}): DeadlineLease & { lostSinceMs: Map<string, number> } {
  const payments: StoredPayment[] = [0, 1, 2].flatMap((k) =>
    ['payee-a', 'payee-b'].map((payee) => ({
      increment: k,
      payee,
      amount: 100n,
      reference: `r-${k}-${payee}`,
      memo: `idlegrid:hub:lease-x:${k}`,
      signature: paidIncrements.includes(k) ? `sig-${k}-${payee}` : null,
      paidAtMs: paidIncrements.includes(k) ? 1 : null,
      onTime: paidIncrements.includes(k) ? true : null,
    })),
  );
  return {
    leaseId: 'lease-x',
    renter: 'renter',
    state,
    endReason: null,
    createdAtMs: 0,
    expiresAtMs: 120_000,
    startedAtMs: state === 'reserved' ? null : 100_000,
    endedAtMs: null,
    incrementMs: INC,
    incrementCount: 3,
    graceMs: GRACE,
    mint: 'mint',
    request: {} as StoredLease['request'],
    placement: { nodes: [], gpuCount: 0 },
    nodes: [],
    payments,
    transitions: [],
    notBeforeMs: 0,
    ...extra,
    lostSinceMs: new Map<string, number>(),
  };
}

const START_DEADLINE = 120_000;
const options = { supplierLostGraceMs: 30_000, startDeadlineMs: START_DEADLINE };

describe('lease deadlines', () => {
  // Issue 19, item 9: the end reason follows what happened, whatever the timings.
  it('ends "unpaid", not "completed", when the grace outlasts the lease and the last increment was never paid', () => {
    const start = 100_000;
    const longGrace = lease('running', [0, 1], { graceMs: INC + 1 });
    const endMs = start + 3 * INC;
    expect(dueAction(longGrace, endMs - 1, options)).toBeNull();
    expect(dueAction(longGrace, endMs, options)).toEqual({ kind: 'unpaid', increment: 2 });
  });

  it('ends "unpaid" after a hub restart near the end when the renter still did not pay, "completed" when every increment was paid', () => {
    const start = 100_000;
    const endMs = start + 3 * INC;
    // The hub came back just before the end: the renter gets until notBeforeMs to pay.
    const restored = lease('running', [0, 1], { notBeforeMs: endMs + GRACE });
    expect(dueAction(restored, endMs, options)).toBeNull();
    expect(dueAction(restored, endMs + GRACE, options)).toEqual({ kind: 'unpaid', increment: 2 });
    const paidUp = lease('running', [0, 1, 2], { notBeforeMs: endMs + GRACE });
    expect(dueAction(paidUp, endMs, options)).toEqual({ kind: 'completed' });
  });

  it('expires an unpaid reservation at its deadline, not before', () => {
    expect(dueAction(lease('reserved', []), 119_999, options)).toBeNull();
    expect(dueAction(lease('reserved', []), 120_000, options)).toEqual({ kind: 'reservation-expired' });
  });

  it('ends a running lease unpaid only after the next increment is late by more than the grace period', () => {
    const l = lease('running', [0]);
    const due1 = 100_000 + INC;
    expect(dueAction(l, due1 + GRACE - 1, options)).toBeNull();
    expect(dueAction(l, due1 + GRACE, options)).toEqual({ kind: 'unpaid', increment: 1 });
    // Only one of two payees paid increment 1: still unpaid.
    l.payments.find((p) => p.increment === 1 && p.payee === 'payee-a')!.signature = 'sig';
    expect(dueAction(l, due1 + GRACE, options)).toEqual({ kind: 'unpaid', increment: 1 });
    expect(dueAction(lease('running', [0, 1]), due1 + GRACE, options)).toBeNull();
  });

  it('completes when every increment has been used, even if none is left to pay', () => {
    expect(dueAction(lease('running', [0, 1, 2]), 100_000 + 3 * INC, options)).toEqual({ kind: 'completed' });
    expect(dueAction(lease('running', [0, 1, 2]), 100_000 + 3 * INC - 1, options)).toBeNull();
  });

  it('gives a restarted hub\'s renters and machines a fair chance (notBeforeMs)', () => {
    expect(dueAction(lease('reserved', [], { notBeforeMs: 600_000 }), 500_000, options)).toBeNull();
    expect(dueAction(lease('reserved', [], { notBeforeMs: 600_000 }), 600_000, options)).toEqual({ kind: 'reservation-expired' });
  });

  // Issue 19 item 1: a supplier that cannot write swallowed a paid lease and stayed "sharing".
  it('fails a paid lease whose machines are not all running within the start deadline, naming the late ones', () => {
    const nodes = (states: string[]) => ({
      placement: { nodes: states.map((_, rank) => ({ rank, workerId: `wkr-${rank}` })), gpuCount: states.length } as unknown as StoredLease['placement'],
      nodes: states.map((state, rank) => ({ rank, workerId: `wkr-${rank}`, state, message: null, updatedAtMs: 0 })) as StoredLease['nodes'],
    });
    const paid = lease('starting', [0], nodes(['running', 'assigned']));
    expect(dueAction(paid, 100_000 + START_DEADLINE - 1, options)).toBeNull();
    expect(dueAction(paid, 100_000 + START_DEADLINE, options)).toEqual({ kind: 'start-missed', workerIds: ['wkr-1'] });
    expect(dueAction(lease('paid', [0], nodes(['pulling', 'assigned'])), 100_000 + START_DEADLINE, options)).toEqual({ kind: 'start-missed', workerIds: ['wkr-0', 'wkr-1'] });
    // Running everywhere: no start deadline any more.
    expect(dueAction(lease('running', [0], nodes(['running', 'running'])), 100_000 + START_DEADLINE, options)).toBeNull();
    // A restarted hub waits for its machines first.
    expect(dueAction(lease('starting', [0], { ...nodes(['assigned']), notBeforeMs: 400_000 }), 300_000, options)).toBeNull();
  });

  it('declares a machine lost after the supplier grace period', () => {
    const l = lease('running', [0, 1]);
    l.lostSinceMs.set('wkr-b', 200_000);
    l.lostSinceMs.set('wkr-a', 210_000);
    expect(dueAction(l, 229_999, options)).toBeNull();
    expect(dueAction(l, 230_000, options)).toEqual({ kind: 'supplier-lost', workerIds: ['wkr-b'] });
    expect(dueAction(l, 240_000, options)).toEqual({ kind: 'supplier-lost', workerIds: ['wkr-a', 'wkr-b'] });
  });

  // Issue 19, item 5: while a machine says its engine is down the hub refuses payments, so
  // the renter is not late; past the supplier-lost grace the lease ends as the supplier's doing.
  it('a down machine holds the unpaid end and, past the grace, ends the lease supplier-lost', () => {
    const placement = { nodes: [{ rank: 0, workerId: 'w-0' }], gpuCount: 1 } as unknown as StoredLease['placement'];
    const dueOf1 = 100_000 + INC;
    const late = dueOf1 + GRACE + 1;
    expect(dueAction(lease('running', [0], { placement }), late, options)).toEqual({ kind: 'unpaid', increment: 1 });
    const down = lease('running', [0], { placement, downNodes: new Map([[0, late - 10_000]]) });
    expect(dueAction(down, late, options)).toBeNull();
    expect(dueAction(down, late - 10_000 + 30_000, options)).toEqual({ kind: 'supplier-lost', workerIds: ['w-0'] });
  });
});
