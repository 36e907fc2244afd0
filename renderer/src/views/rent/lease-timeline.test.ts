import { USDC } from '../../../../common/money/token-registry';
import { describe, expect, it } from 'vitest';
import { leaseView, rentReceipt, SUPPLIER_A, SUPPLIER_B } from '../../stores/rent-fixtures';
import { leaseTimeline } from './lease-timeline';
import { spendingTotals } from './spending-tab';

describe('lease timeline', () => {
  it('puts state changes and payments in order, one entry per paid increment', () => {
    const base = leaseView('l');
    const lease = leaseView('l', {
      transitions: [...base.transitions, { from: 'reserved', to: 'running', endReason: null, atMs: 5_000, reason: 'all nodes running' }],
      increments: [
        {
          index: 0,
          dueAtMs: 61_000,
          payments: [
            { payee: SUPPLIER_A, amount: '150000', reference: 'a', memo: 'm', signature: 'sigA', paidAtMs: 3_000 },
            { payee: SUPPLIER_B, amount: '100000', reference: 'b', memo: 'm', signature: 'sigB', paidAtMs: 3_500 },
          ],
        },
        { index: 1, dueAtMs: null, payments: [{ payee: SUPPLIER_A, amount: '150000', reference: 'c', memo: 'm', signature: null, paidAtMs: null }] },
      ],
    });
    const entries = leaseTimeline(lease, USDC);
    expect(entries.map((e) => e.kind)).toEqual(['state', 'payment', 'state']);
    expect(entries[1]).toMatchObject({ title: 'Paid increment 1: 0.25 USDC', signatures: ['sigA', 'sigB'] });
  });
});

describe('lease timeline: trust', () => {
  it('shows each GPU check outcome and what machines said about their nodes (a heat pause), in order', () => {
    const lease = leaseView('l', {
      attestation: [
        { rank: 0, state: 'passed', reason: null, message: 'Passed: 16 rows checked', ready: null, updatedAtMs: 2_000 },
        { rank: 1, state: 'failed', reason: 'attestation_wrong_row', message: 'Row 3 of the product is wrong', ready: null, updatedAtMs: 2_500 },
      ],
    });
    const entries = leaseTimeline(lease, USDC, [{ rank: 0, message: 'Paused \u2014 supplier\u2019s GPU too hot (95 °C).', atMs: 9_000 }]);
    const titles = entries.filter((e) => e.kind === 'state').map((e) => [e.title, e.kind === 'state' ? e.tone : null]);
    expect(titles).toEqual(expect.arrayContaining([['Machine 0: GPU check passed', 'ok'], ['Machine 1: GPU check failed', 'error'], ['Machine 0', 'error']]));
    expect(entries.at(-1)).toMatchObject({ title: 'Machine 0', detail: expect.stringMatching(/Paused — supplier’s GPU too hot/) });
  });
});

describe('spending totals', () => {
  it('sums all, the last week and month, and what auto-pay paid', () => {
    const day = 86_400_000;
    const now = 100 * day;
    const totals = spendingTotals(
      [rentReceipt('a', { paidAtMs: now - day, amount: '100', autoApproved: true }), rentReceipt('b', { paidAtMs: now - 10 * day, amount: '200', leaseId: 'lease-2' }), rentReceipt('c', { paidAtMs: now - 40 * day, amount: '300' })],
      now,
    );
    expect(totals).toEqual({ all: 600n, week: 100n, month: 300n, auto: 100n, autoDay: 0n, count: 3, leases: 2, otherNetworks: [] });
  });

  it('adds up only the current network: Sandbox test money never adds to a grid\'s', () => {
    const now = 100 * 86_400_000;
    const totals = spendingTotals([rentReceipt('a', { paidAtMs: now, amount: '100', network: 'grid' }), rentReceipt('b', { paidAtMs: now, amount: '200', network: 'sandbox' }), rentReceipt('c', { paidAtMs: now, amount: '5', network: 'sandbox' })], now, 'grid');
    expect(totals).toEqual({ all: 100n, week: 100n, month: 100n, auto: 0n, autoDay: 0n, count: 1, leases: 1, otherNetworks: [{ network: 'sandbox', payments: 2 }] });
  });

  it('counts what auto-pay paid in the last 24 hours, for "auto-paid today" against the daily cap', () => {
    const hour = 3_600_000;
    const now = 1_000 * hour;
    const totals = spendingTotals(
      [
        rentReceipt('a', { paidAtMs: now - hour, amount: '70', autoApproved: true }),
        rentReceipt('b', { paidAtMs: now - 2 * hour, amount: '30', autoApproved: false }),
        rentReceipt('c', { paidAtMs: now - 25 * hour, amount: '500', autoApproved: true }),
      ],
      now,
    );
    expect(totals.autoDay).toBe(70n);
    expect(totals.auto).toBe(570n);
  });
});
