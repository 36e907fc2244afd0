import { describe, expect, it } from 'vitest';
import type { StoreUnderTest } from './index';
import { BIG_AMOUNT, RENTER, SUPPLIERS, credit, newLease } from './fixtures';
import { observe } from './observe';

export function describePayments(subject: StoreUnderTest): void {
  describe('payments', () => {
    it('credits an expected payment and reads it back as paid, in the volume, the recent payments and the renter’s facts', async () => {
      const store = await subject.open();
      await store.createLease(newLease('lease-a', { amount: BIG_AMOUNT }));
      expect(await store.creditPayment(credit('lease-a', 0, 'sig-1', { paidAtMs: 2_000, onTime: true }))).toEqual({ status: 'credited' });
      const paid = (await store.getLease('lease-a'))?.payments.filter((p) => p.signature !== null);
      expect(paid).toEqual([
        { increment: 0, payee: SUPPLIERS[0], amount: BIG_AMOUNT, reference: 'lease-a-ref-0-supplier-a', memo: 'idlegrid:lease-a:0', signature: 'sig-1', paidAtMs: 2_000, onTime: true },
      ]);
      expect(await store.recentPayments(10)).toEqual([{ signature: 'sig-1', leaseId: 'lease-a', increment: 0, payee: SUPPLIERS[0], payer: RENTER, amount: BIG_AMOUNT, paidAtMs: 2_000 }]);
      expect(await store.volumePaidAllTime()).toBe(BIG_AMOUNT);
      expect(await store.renterFacts(RENTER)).toEqual({ address: RENTER, incrementsOnTime: 1, incrementsLate: 0, incrementsMissed: 0, reservationsExpired: 0 });
    });

    it('refuses a signature credited before — to any payment of any lease — and leaves the first credit as it was', async () => {
      const store = await subject.open();
      await store.createLease(newLease('lease-a'));
      await store.createLease(newLease('lease-b'));
      expect(await store.creditPayment(credit('lease-a', 0, 'sig-1'))).toEqual({ status: 'credited' });
      const before = await observe(store, ['lease-a', 'lease-b']);
      const duplicate = { status: 'duplicate-signature', creditedTo: { leaseId: 'lease-a', increment: 0, payee: SUPPLIERS[0] } };
      expect(await store.creditPayment(credit('lease-a', 0, 'sig-1', { paidAtMs: 9_000, onTime: false }))).toEqual(duplicate);
      expect(await store.creditPayment(credit('lease-a', 0, 'sig-1', { payee: SUPPLIERS[1] }))).toEqual(duplicate);
      expect(await store.creditPayment(credit('lease-a', 1, 'sig-1'))).toEqual(duplicate);
      expect(await store.creditPayment(credit('lease-b', 0, 'sig-1'))).toEqual(duplicate);
      expect(await store.creditPayment(credit('lease-missing', 0, 'sig-1'))).toEqual(duplicate);
      expect(await observe(store, ['lease-a', 'lease-b'])).toEqual(before);
    });

    it('refuses a second signature for a paid payment, and a payment that is not expected, without using up the signature', async () => {
      const store = await subject.open();
      await store.createLease(newLease('lease-a'));
      await store.creditPayment(credit('lease-a', 0, 'sig-1'));
      const before = await observe(store, ['lease-a']);
      expect(await store.creditPayment(credit('lease-a', 0, 'sig-2'))).toEqual({ status: 'already-paid', signature: 'sig-1' });
      expect(await store.creditPayment(credit('lease-a', 9, 'sig-3'))).toEqual({ status: 'unknown-payment' });
      expect(await store.creditPayment(credit('lease-a', 1, 'sig-3', { payee: 'supplier-unknown' }))).toEqual({ status: 'unknown-payment' });
      expect(await store.creditPayment(credit('lease-missing', 0, 'sig-3'))).toEqual({ status: 'unknown-payment' });
      expect(await observe(store, ['lease-a'])).toEqual(before);
      // Refused signatures were not recorded: each still pays for an expected payment.
      expect(await store.creditPayment(credit('lease-a', 1, 'sig-2'))).toEqual({ status: 'credited' });
      expect(await store.creditPayment(credit('lease-a', 0, 'sig-3', { payee: SUPPLIERS[1] }))).toEqual({ status: 'credited' });
    });

    it('lets exactly one of two racing credits win, on two instances of one storage', async () => {
      const store = await subject.open();
      const other = await subject.open();
      await store.createLease(newLease('lease-a', { amount: 1_000n }));
      // One signature offered for two payments.
      const sameSignature = await Promise.all([store.creditPayment(credit('lease-a', 0, 'sig-x')), other.creditPayment(credit('lease-a', 1, 'sig-x'))]);
      expect(sameSignature.map((r) => r.status).sort()).toEqual(['credited', 'duplicate-signature']);
      // Two signatures offered for one payment.
      const samePayment = await Promise.all([store.creditPayment(credit('lease-a', 0, 'sig-y', { payee: SUPPLIERS[1] })), other.creditPayment(credit('lease-a', 0, 'sig-z', { payee: SUPPLIERS[1] }))]);
      expect(samePayment.map((r) => r.status).sort()).toEqual(['already-paid', 'credited']);
      expect(await store.volumePaidAllTime()).toBe(2_000n);
      expect(await other.recentPayments(10)).toHaveLength(2);
      expect((await store.renterFacts(RENTER)).incrementsOnTime).toBe(2);
    });

    it('keeps the paid volume exact, all time and since a time (inclusive)', async () => {
      const store = await subject.open();
      expect([await store.volumePaidAllTime(), await store.volumePaidSince(0)]).toEqual([0n, 0n]);
      await store.createLease(newLease('lease-a', { amount: BIG_AMOUNT }));
      await store.creditPayment(credit('lease-a', 0, 'sig-1', { paidAtMs: 2_000 }));
      await store.creditPayment(credit('lease-a', 0, 'sig-2', { paidAtMs: 3_000, payee: SUPPLIERS[1] }));
      await store.creditPayment(credit('lease-a', 1, 'sig-3', { paidAtMs: 4_000 }));
      expect(await store.volumePaidAllTime()).toBe(3n * BIG_AMOUNT);
      expect(await store.volumePaidSince(0)).toBe(3n * BIG_AMOUNT);
      expect(await store.volumePaidSince(3_000)).toBe(2n * BIG_AMOUNT);
      expect(await store.volumePaidSince(4_001)).toBe(0n);
    });

    it('lists recent payments newest first, up to the limit', async () => {
      const store = await subject.open();
      expect(await store.recentPayments(10)).toEqual([]);
      await store.createLease(newLease('lease-a'));
      await store.creditPayment(credit('lease-a', 0, 'sig-1', { paidAtMs: 2_000 }));
      await store.creditPayment(credit('lease-a', 1, 'sig-2', { paidAtMs: 4_000 }));
      await store.creditPayment(credit('lease-a', 0, 'sig-3', { paidAtMs: 3_000, payee: SUPPLIERS[1] }));
      expect((await store.recentPayments(10)).map((p) => [p.signature, p.paidAtMs])).toEqual([['sig-2', 4_000], ['sig-3', 3_000], ['sig-1', 2_000]]);
      expect((await store.recentPayments(2)).map((p) => p.signature)).toEqual(['sig-2', 'sig-3']);
    });

    it('counts a renter’s on-time and late increments with each credit', async () => {
      const store = await subject.open();
      expect(await store.renterFacts('renter-unknown')).toEqual({ address: 'renter-unknown', incrementsOnTime: 0, incrementsLate: 0, incrementsMissed: 0, reservationsExpired: 0 });
      await store.createLease(newLease('lease-a'));
      await store.creditPayment(credit('lease-a', 0, 'sig-1', { onTime: true }));
      await store.creditPayment(credit('lease-a', 1, 'sig-2', { onTime: false }));
      await store.creditPayment(credit('lease-a', 1, 'sig-3', { onTime: false, payee: SUPPLIERS[1] }));
      expect(await store.renterFacts(RENTER)).toEqual({ address: RENTER, incrementsOnTime: 1, incrementsLate: 2, incrementsMissed: 0, reservationsExpired: 0 });
      const paid = (await store.getLease('lease-a'))?.payments.filter((p) => p.signature !== null).map((p) => [p.signature, p.onTime]);
      expect(paid).toEqual([['sig-1', true], ['sig-2', false], ['sig-3', false]]);
    });
  });
}
