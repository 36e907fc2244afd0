import { describe, expect, it } from 'vitest';
import type { LeaseView } from '../../../common/hub/lease-types';
import { leaseProblem, rentLeaseOf } from './rent-lease-view';

const payment = (payee: string, amount: string, signature: string | null) => ({ payee, amount, reference: `ref-${payee}`, memo: 'm', signature, paidAtMs: signature ? 1 : null });

function lease(patch: Partial<LeaseView> = {}): LeaseView {
  return {
    leaseId: 'lease-1',
    renter: 'R',
    state: 'running',
    endReason: null,
    createdAtMs: 0,
    expiresAtMs: 100,
    startedAtMs: 1_000,
    paidThroughMs: 2_000,
    incrementMs: 1_000,
    incrementCount: 3,
    graceMs: 100,
    token: 'USDC',
    mint: 'M',
    job: { image: 'busybox', masterPort: 29500 },
    placement: { nodes: [], gpuCount: 1 },
    nodes: [{ rank: 0, workerId: 'w', state: 'running', message: null, updatedAtMs: 1 }],
    increments: [
      { index: 0, dueAtMs: 100, payments: [payment('A', '5', 'sig0'), payment('B', '7', 'sig1')] },
      { index: 1, dueAtMs: null, payments: [payment('A', '5', 'sig2'), payment('B', '7', null)] },
      { index: 2, dueAtMs: null, payments: [payment('A', '5', null), payment('B', '7', null)] },
    ],
    transitions: [],
    paidSoFar: '17',
    ...patch,
  };
}

describe('the lease as the renter sees it', () => {
  it('shows the first increment still owed, what is left of it and when it is due', () => {
    const view = rentLeaseOf(lease(), { enabled: false, limit: '0', spent: '0' }, [], null);
    expect(view.nextDue).toEqual({ increment: 1, dueAtMs: 2_000, amount: '7' });
    expect(view.problem).toBeNull();
    expect(rentLeaseOf(lease({ state: 'ended', endReason: 'completed' }), { enabled: false, limit: '0', spent: '0' }, [], null).nextDue).toBeNull();
  });

  it('says in plain words how a lease ended and what to do', () => {
    const ended = (endReason: LeaseView['endReason'], reason: string, patch: Partial<LeaseView> = {}) =>
      leaseProblem(lease({ state: 'ended', endReason, transitions: [{ from: 'running', to: 'ended', endReason, atMs: 5, reason }], ...patch }), null);
    expect(ended('unpaid', 'increment 1 was not paid within the grace period')).toMatch(/ended unpaid: increment 1 was not paid.*Rent again.*auto-pay/);
    expect(ended('unpaid', 'reservation expired', { startedAtMs: null })).toMatch(/quote was not paid in time.*new quote/);
    expect(ended('supplier-lost', 'worker w offline')).toMatch(/stopped answering.*worker w offline.*Rent again/);
    expect(ended('failed', 'node failed', { nodes: [{ rank: 1, workerId: 'w', state: 'failed', message: 'exit code 137', updatedAtMs: 1 }] })).toMatch(/failed on node 1: exit code 137/);
    expect(ended('terminated', 'by the renter')).toBeNull();
  });

  it('names a failed node of a running lease, else the auto-pay note', () => {
    expect(leaseProblem(lease({ nodes: [{ rank: 0, workerId: 'w', state: 'failed', message: 'image not found', updatedAtMs: 1 }] }), 'note')).toBe('Node 0 failed: image not found.');
    expect(leaseProblem(lease(), 'The auto-pay budget is spent')).toBe('The auto-pay budget is spent');
  });
});
