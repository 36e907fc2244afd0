import { describe, expect, it } from 'vitest';
import type { StoredLease } from '../hub-store';
import type { StoreUnderTest } from './index';
import { BIG_AMOUNT, RENTER, credit, incrementPayments, newLease } from './fixtures';
import { observe } from './observe';

export function describeLeases(subject: StoreUnderTest): void {
  describe('leases', () => {
    it('reads a created lease back whole: reserved, its request and placement, one assigned node per rank, unpaid payments and the first transition', async () => {
      const store = await subject.open();
      const input = newLease('lease-a', { createdAtMs: 1_000, amount: BIG_AMOUNT });
      await store.createLease(input);
      const expected: StoredLease = {
        leaseId: 'lease-a',
        renter: RENTER,
        state: 'reserved',
        endReason: null,
        createdAtMs: 1_000,
        expiresAtMs: input.expiresAtMs,
        startedAtMs: null,
        endedAtMs: null,
        incrementMs: input.incrementMs,
        incrementCount: 2,
        graceMs: input.graceMs,
        mint: input.mint,
        request: input.request,
        placement: input.placement,
        nodes: input.placement.nodes.map((n) => ({ rank: n.rank, workerId: n.workerId, state: 'assigned', message: null, updatedAtMs: 1_000 })),
        payments: input.payments.map((p) => ({ ...p, signature: null, paidAtMs: null, onTime: null })),
        transitions: [{ from: null, to: 'reserved', endReason: null, atMs: 1_000, reason: 'placed' }],
      };
      expect(await store.getLease('lease-a')).toEqual(expected);
      expect((await store.getLease('lease-a'))?.payments[0]?.amount).toBe(BIG_AMOUNT);
      expect(await store.listActiveLeases()).toEqual([expected]);
      expect(await store.listRenterLeases(RENTER, 10)).toEqual([expected]);
      expect(await store.getLease('lease-missing')).toBeNull();
    });

    it('creates a lease all or nothing: a create that fails part-way leaves no lease, node, payment or transition behind', async () => {
      const store = await subject.open();
      const good = newLease('lease-a');
      // The last expected payment repeats (increment, payee) of the first: the lease, its
      // nodes and the earlier payments are written before the store can notice.
      const [firstPayment] = good.payments;
      const bad = { ...good, payments: [...good.payments, { ...firstPayment!, reference: 'lease-a-ref-again' }] };
      const empty = await observe(store, ['lease-a']);
      await expect(store.createLease(bad)).rejects.toThrow();
      expect(await observe(store, ['lease-a'])).toEqual(empty);
      expect(await store.creditPayment(credit('lease-a', 0, 'sig-1'))).toEqual({ status: 'unknown-payment' });

      // Nothing left over blocks the same lease id or counts twice.
      await store.createLease(good);
      const stored = await store.getLease('lease-a');
      expect([stored?.nodes.length, stored?.payments.length, stored?.transitions.length]).toEqual([2, 4, 1]);
    });

    it('refuses a second lease with the same id and leaves the first as it was', async () => {
      const store = await subject.open();
      await store.createLease(newLease('lease-a'));
      const before = await observe(store, ['lease-a']);
      const again = newLease('lease-a', { renter: 'renter-b', createdAtMs: 5_000, incrementCount: 3 });
      await expect(store.createLease({ ...again, payments: again.payments.map((p) => ({ ...p, reference: `${p.reference}-2` })) })).rejects.toThrow();
      expect(await observe(store, ['lease-a'])).toEqual(before);
    });

    it('sets one node’s state and message, leaving the other nodes alone', async () => {
      const store = await subject.open();
      await store.createLease(newLease('lease-a', { createdAtMs: 1_000 }));
      await store.setNodeState('lease-a', 1, 'pulling', 'pulling pytorch/pytorch:2.3.0', 5_000);
      await store.setNodeState('lease-a', 1, 'failed', null, 6_000);
      expect((await store.getLease('lease-a'))?.nodes).toEqual([
        { rank: 0, workerId: 'wkr-1', state: 'assigned', message: null, updatedAtMs: 1_000 },
        { rank: 1, workerId: 'wkr-2', state: 'failed', message: null, updatedAtMs: 6_000 },
      ]);
    });

    it('extends a lease: the increment count rises and the new increments’ payments are expected, unpaid', async () => {
      const store = await subject.open();
      await store.createLease(newLease('lease-a', { incrementCount: 2 }));
      await store.extendLease('lease-a', 3, incrementPayments('lease-a', 2));
      const stored = await store.getLease('lease-a');
      expect(stored?.incrementCount).toBe(3);
      expect(stored?.payments.filter((p) => p.increment === 2)).toEqual(incrementPayments('lease-a', 2).map((p) => ({ ...p, signature: null, paidAtMs: null, onTime: null })));
      expect(stored?.payments).toHaveLength(6);
      expect(await store.creditPayment(credit('lease-a', 2, 'sig-2'))).toEqual({ status: 'credited' });
    });

    it('refuses an extension that does not raise the count, or whose payments cannot all be added, and changes nothing', async () => {
      const store = await subject.open();
      await store.createLease(newLease('lease-a', { incrementCount: 2 }));
      const before = await observe(store, ['lease-a']);
      await expect(store.extendLease('lease-a', 2, incrementPayments('lease-a', 2))).rejects.toThrow();
      expect(await observe(store, ['lease-a'])).toEqual(before);
      // The count could rise, but the last payment repeats one the lease already expects.
      const clash = [...incrementPayments('lease-a', 2), { ...incrementPayments('lease-a', 0)[0]!, reference: 'lease-a-ref-clash' }];
      await expect(store.extendLease('lease-a', 3, clash)).rejects.toThrow();
      expect(await observe(store, ['lease-a'])).toEqual(before);
    });

    it('lets exactly one of two racing extensions to the same count through', async () => {
      const store = await subject.open();
      const other = await subject.open();
      await store.createLease(newLease('lease-a', { incrementCount: 2 }));
      const mine = incrementPayments('lease-a', 2);
      const theirs = mine.map((p) => ({ ...p, reference: `${p.reference}-theirs` }));
      const outcomes = await Promise.allSettled([store.extendLease('lease-a', 3, mine), other.extendLease('lease-a', 3, theirs)]);
      expect(outcomes.map((o) => o.status).sort()).toEqual(['fulfilled', 'rejected']);
      const stored = await store.getLease('lease-a');
      expect(stored?.incrementCount).toBe(3);
      expect(stored?.payments).toHaveLength(6);
    });

    it('lists active leases (any state but ended) and a renter’s leases newest first, up to the limit', async () => {
      const store = await subject.open();
      await store.createLease(newLease('lease-a', { createdAtMs: 1_000 }));
      await store.createLease(newLease('lease-b', { createdAtMs: 2_000 }));
      await store.createLease(newLease('lease-c', { createdAtMs: 3_000, renter: 'renter-b' }));
      await store.createLease(newLease('lease-d', { createdAtMs: 4_000 }));
      await store.transitionLease({ leaseId: 'lease-c', from: 'reserved', to: 'paid', endReason: null, atMs: 5_000, reason: 'paid', startedAtMs: 5_000 });
      await store.transitionLease({ leaseId: 'lease-b', from: 'reserved', to: 'ended', endReason: 'terminated', atMs: 5_000, reason: 'let go' });
      const ids = (leases: StoredLease[]) => leases.map((l) => l.leaseId);
      expect(ids(await store.listActiveLeases()).sort()).toEqual(['lease-a', 'lease-c', 'lease-d']);
      expect(ids(await store.listRenterLeases(RENTER, 10))).toEqual(['lease-d', 'lease-b', 'lease-a']);
      expect(ids(await store.listRenterLeases(RENTER, 2))).toEqual(['lease-d', 'lease-b']);
      expect(ids(await store.listRenterLeases('renter-b', 10))).toEqual(['lease-c']);
      expect(await store.listRenterLeases('renter-nobody', 10)).toEqual([]);
    });
  });
}
