import { describe, expect, it } from 'vitest';
import { rentLease } from '../../stores/rent-fixtures';
import { outputsOffer } from './outputs-offer';

// Started at 0, increments of 600 s; paid through the second (1 200 000 ms); the third costs 250 000.
const running = (over: Parameters<typeof rentLease>[1] = {}) =>
  rentLease('l', { nextDue: { increment: 2, dueAtMs: 1_200_000, amount: '250000' }, ...over }, { state: 'running', startedAtMs: 0, paidThroughMs: 1_200_000 });

describe('outputs offer', () => {
  it('says nothing while a paid increment other than the last runs', () => {
    expect(outputsOffer(running(), 500_000, false)).toEqual({ kind: 'none' });
  });

  it('offers once the last paid increment runs with auto-pay off', () => {
    const offer = outputsOffer(running(), 700_000, false);
    expect(offer).toMatchObject({ kind: 'offer', endsAtMs: 1_260_000 });
    expect(offer.kind === 'offer' && offer.why).toContain('auto-pay is off');
  });

  it('says nothing when auto-pay will pay the next increment, and offers when its budget or the daily cap falls short', () => {
    expect(outputsOffer(running({ autoPay: { enabled: true, limit: '1000000', spent: '500000' } }), 700_000, false)).toEqual({ kind: 'none' });
    const budget = outputsOffer(running({ autoPay: { enabled: true, limit: '1000000', spent: '800000' } }), 700_000, false);
    expect(budget.kind === 'offer' && budget.why).toContain("budget for this lease does not cover");
    const cap = outputsOffer(running({ autoPay: { enabled: true, limit: '1000000', spent: '0', dayPaid: '900000', dayCap: '1000000' } }), 700_000, false);
    expect(cap.kind === 'offer' && cap.why).toContain('daily cap');
  });

  it('offers when every planned increment is paid: the lease completes at the end of the last', () => {
    const offer = outputsOffer(running({ nextDue: null }), 700_000, false);
    expect(offer).toMatchObject({ kind: 'offer', endsAtMs: 1_200_000 });
  });

  it('offers when an increment is overdue (the hub ends the lease after its grace), even with auto-pay on', () => {
    const offer = outputsOffer(running({ autoPay: { enabled: true, limit: '1000000', spent: '0' } }), 1_210_000, false);
    expect(offer).toMatchObject({ kind: 'offer', endsAtMs: 1_260_000 });
    expect(offer.kind === 'offer' && offer.why).toContain('Increment 3 is not paid');
  });

  it('warns after the end when the outputs were not downloaded, and not when they were', () => {
    const ended = rentLease('l', { nextDue: null }, { state: 'ended', endReason: 'unpaid', startedAtMs: 0, paidThroughMs: 1_200_000 });
    expect(outputsOffer(ended, 2_000_000, false)).toMatchObject({ kind: 'warn', why: expect.stringContaining('Outputs not downloaded') });
    expect(outputsOffer(ended, 2_000_000, true)).toEqual({ kind: 'none' });
  });

  it('never offers or warns for a lease that never started (no container ran)', () => {
    expect(outputsOffer(rentLease('l'), 100_000, false)).toEqual({ kind: 'none' });
    expect(outputsOffer(rentLease('l', { nextDue: null }, { state: 'ended', endReason: 'unpaid' }), 100_000, false)).toEqual({ kind: 'none' });
  });
});
