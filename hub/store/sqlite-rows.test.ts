import { describe, expect, it } from 'vitest';
import { leaseFromRows } from './sqlite-rows';
import type { LeaseRow, PaymentRow } from './sqlite-rows';

const row: LeaseRow = {
  lease_id: 'L1', renter: 'R', state: 'running', end_reason: null, created_at_ms: 1, expires_at_ms: 2, started_at_ms: 3, ended_at_ms: null,
  increment_ms: 600_000, increment_count: 2, grace_ms: 60_000, mint: 'M', request_json: '{"gpuCount":2}', placement_json: '{"nodes":[]}',
};
const payment = (over: Partial<PaymentRow>): PaymentRow => ({ increment: 0, payee: 'P', amount: '1', reference: 'ref', memo: 'm', signature: null, paid_at_ms: null, on_time: null, ...over });

describe('leaseFromRows', () => {
  it('keeps amounts beyond 2^53 exact and reads on_time as unknown, late or on time', () => {
    const lease = leaseFromRows(row, [], [payment({ amount: '18446744073709551615', on_time: null }), payment({ increment: 1, on_time: 0 }), payment({ increment: 2, on_time: 1 })], []);
    expect(lease.payments.map((p) => p.amount)).toEqual([18446744073709551615n, 1n, 1n]);
    expect(lease.payments.map((p) => p.onTime)).toEqual([null, false, true]);
  });

  it('parses the request and placement, and maps nodes and transitions in order', () => {
    const lease = leaseFromRows(
      row,
      [{ rank: 1, worker_id: 'w1', state: 'running', message: null, updated_at_ms: 9 }],
      [],
      [{ from_state: null, to_state: 'reserved', end_reason: null, at_ms: 1, reason: 'quoted' }, { from_state: 'reserved', to_state: 'ended', end_reason: 'unpaid', at_ms: 5, reason: 'expired' }],
    );
    expect(lease).toMatchObject({ leaseId: 'L1', request: { gpuCount: 2 }, placement: { nodes: [] }, nodes: [{ rank: 1, workerId: 'w1', state: 'running', updatedAtMs: 9 }] });
    expect(lease.transitions.map((t) => [t.from, t.to, t.endReason])).toEqual([[null, 'reserved', null], ['reserved', 'ended', 'unpaid']]);
  });
});
