import { describe, expect, it } from 'vitest';
import type { LeaseEvidence } from '../store/hub-store';
import { settleDispute } from './dispute-rules';

let seq = 0;
const entry = (kind: LeaseEvidence['kind'], workerId: string | null, body: Record<string, unknown> = {}): LeaseEvidence => ({ leaseId: 'l', seq: ++seq, kind, workerId, atMs: seq, body });

describe('disputes settled by rule from the evidence', () => {
  it('flags a supplier that vanished and did not refund', () => {
    const out = settleDispute({ endReason: 'supplier-lost', reasons: [] }, [entry('payment', 'w1'), entry('refund-owed', 'w1', { amount: '500' })]);
    expect(out).toMatchObject({ outcome: 'supplier-flagged', workerIds: ['w1'] });
    expect(settleDispute({ endReason: 'supplier-lost', reasons: [] }, [entry('refund-owed', 'w1'), entry('refund', 'w1'), entry('refund-missed', 'w2')])).toMatchObject({ outcome: 'supplier-flagged', workerIds: ['w2'] });
  });

  it('closes one where the owed refund was paid', () => {
    expect(settleDispute({ endReason: 'failed', reasons: [] }, [entry('refund-owed', 'w1'), entry('refund', 'w1')]).outcome).toBe('refunded');
  });

  it("gives no refund when the renter's job exited non-zero on a healthy node", () => {
    expect(settleDispute({ endReason: 'failed', reasons: [] }, [entry('node', 'w1', { state: 'failed', cause: 'job', message: 'exited with code 2' })]).outcome).toBe('no-refund');
  });

  it('leaves anything else to a person', () => {
    expect(settleDispute({ endReason: 'completed', reasons: [] }, []).outcome).toBe('needs-review');
  });
});
