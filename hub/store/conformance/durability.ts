import { describe, expect, it } from 'vitest';
import type { HubStore } from '../hub-store';
import type { StoreUnderTest } from './index';
import { BIG_AMOUNT, SUPPLIERS, WORKERS, credit, newLease, offer, workerUpsert } from './fixtures';
import { observe } from './observe';

/** A little of everything the hub writes: sessions, workers and offers, leases in several states, payments and facts. */
async function fill(store: HubStore): Promise<void> {
  await store.saveSession({ tokenHash: 'hash-1', address: 'addr-1', audience: 'renter', createdAtMs: 10, expiresAtMs: 9_000 });
  for (const w of WORKERS) await store.upsertWorker(workerUpsert(w, { atMs: 100 }));
  await store.recordPresence([{ workerId: 'wkr-1', addOnlineMs: 1_234, lastSeenMs: 3_000 }]);
  await store.recordHardwareCheck('wkr-2', true);
  await store.saveOffer(offer('ofr-1', 'wkr-1'));
  await store.saveOffer(offer('ofr-2', 'wkr-2'));
  await store.withdrawOffer('ofr-2', 300);
  await store.createLease(newLease('lease-a', { amount: BIG_AMOUNT, createdAtMs: 1_000 }));
  await store.createLease(newLease('lease-b', { createdAtMs: 1_500 }));
  await store.creditPayment(credit('lease-a', 0, 'sig-1', { paidAtMs: 2_000 }));
  await store.creditPayment(credit('lease-a', 0, 'sig-2', { paidAtMs: 2_100, payee: SUPPLIERS[1], onTime: false }));
  await store.transitionLease({ leaseId: 'lease-a', from: 'reserved', to: 'paid', endReason: null, atMs: 2_100, reason: 'paid', startedAtMs: 2_100 });
  await store.setNodeState('lease-a', 0, 'running', null, 2_500);
  await store.extendLease('lease-a', 3, newLease('lease-a', { incrementCount: 3 }).payments.filter((p) => p.increment === 2));
  const facts = { workersCompleted: [], workersEndedBySupplier: ['wkr-2'], renterMissedIncrement: true };
  await store.transitionLease({ leaseId: 'lease-b', from: 'reserved', to: 'ended', endReason: 'unpaid', atMs: 2_600, reason: 'unpaid', facts });
}

export function describeDurability(subject: StoreUnderTest): void {
  describe('durability', () => {
    it('gives back everything it was told after a restart', async () => {
      let store = await subject.open();
      await fill(store);
      const before = await observe(store, ['lease-a', 'lease-b']);
      store = await subject.reopen(store);
      expect(await observe(store, ['lease-a', 'lease-b'])).toEqual(before);
      expect(await store.findSession('hash-1')).toEqual({ tokenHash: 'hash-1', address: 'addr-1', audience: 'renter', createdAtMs: 10, expiresAtMs: 9_000 });
      // The worker of a known machine is still known: its id and online time come back.
      const again = await store.upsertWorker(workerUpsert('wkr-new', { machineId: 'machine-wkr-1', atMs: 4_000 }));
      expect([again.workerId, again.onlineMs, again.firstSeenMs]).toEqual(['wkr-1', 1_234, 100]);
    });

    it('refuses, after a restart, a signature credited before it', async () => {
      let store = await subject.open();
      await store.createLease(newLease('lease-a'));
      await store.creditPayment(credit('lease-a', 0, 'sig-1'));
      store = await subject.reopen(store);
      expect(await store.creditPayment(credit('lease-a', 1, 'sig-1'))).toEqual({ status: 'duplicate-signature', creditedTo: { leaseId: 'lease-a', increment: 0, payee: SUPPLIERS[0] } });
      expect(await store.volumePaidAllTime()).toBe(166_667n);
    });

    it('shows each write to another instance on the same storage as soon as it resolves', async () => {
      const store = await subject.open();
      const other = await subject.open();
      await fill(store);
      expect(await observe(other, ['lease-a', 'lease-b'])).toEqual(await observe(store, ['lease-a', 'lease-b']));
      expect(await other.findSession('hash-1')).not.toBeNull();
      await other.transitionLease({ leaseId: 'lease-a', from: 'paid', to: 'starting', endReason: null, atMs: 3_000, reason: 'starting' });
      expect((await store.getLease('lease-a'))?.state).toBe('starting');
      expect(await store.transitionLease({ leaseId: 'lease-a', from: 'paid', to: 'ended', endReason: 'terminated', atMs: 3_000, reason: 'stale' })).toBe(false);
    });

    it('closes more than once without complaint', async () => {
      const store = await subject.open();
      await store.close();
      await expect(store.close()).resolves.toBeUndefined();
    });
  });
}
