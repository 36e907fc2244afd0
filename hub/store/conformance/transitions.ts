import { describe, expect, it } from 'vitest';
import type { LeaseStateChange } from '../hub-store';
import type { StoreUnderTest } from './index';
import { RENTER, WORKERS, newLease, workerUpsert } from './fixtures';
import { observe } from './observe';

const change = (from: LeaseStateChange['from'], to: LeaseStateChange['to'], atMs: number, more: Partial<LeaseStateChange> = {}): LeaseStateChange => ({
  leaseId: 'lease-a',
  from,
  to,
  endReason: null,
  atMs,
  reason: `${from} to ${to}`,
  ...more,
});

export function describeTransitions(subject: StoreUnderTest): void {
  describe('lease transitions', () => {
    it('moves a lease only from the state it is in: a stale or unknown move returns false and changes nothing', async () => {
      const store = await subject.open();
      for (const w of WORKERS) await store.upsertWorker(workerUpsert(w));
      await store.createLease(newLease('lease-a'));
      const before = await observe(store, ['lease-a']);
      const facts = { workersCompleted: [...WORKERS], workersEndedBySupplier: [], renterMissedIncrement: true };
      expect(await store.transitionLease(change('running', 'ended', 5_000, { endReason: 'completed', facts }))).toBe(false);
      expect(await store.transitionLease(change('paid', 'starting', 5_000))).toBe(false);
      expect(await store.transitionLease(change('reserved', 'paid', 5_000, { leaseId: 'lease-missing', startedAtMs: 5_000 }))).toBe(false);
      expect(await observe(store, ['lease-a'])).toEqual(before);
    });

    it('records every move in order, sets the start time once and the end time on ending', async () => {
      const store = await subject.open();
      await store.createLease(newLease('lease-a', { createdAtMs: 1_000 }));
      expect(await store.transitionLease(change('reserved', 'paid', 5_000, { startedAtMs: 4_900 }))).toBe(true);
      expect(await store.transitionLease(change('paid', 'starting', 6_000))).toBe(true);
      expect(await store.transitionLease(change('starting', 'running', 7_000))).toBe(true);
      const running = await store.getLease('lease-a');
      expect([running?.state, running?.startedAtMs, running?.endedAtMs, running?.endReason]).toEqual(['running', 4_900, null, null]);
      expect(await store.listActiveLeases()).toEqual([running]);

      expect(await store.transitionLease(change('running', 'ended', 9_000, { endReason: 'completed', reason: 'the job exited 0' }))).toBe(true);
      const ended = await store.getLease('lease-a');
      expect([ended?.state, ended?.startedAtMs, ended?.endedAtMs, ended?.endReason]).toEqual(['ended', 4_900, 9_000, 'completed']);
      expect(ended?.transitions).toEqual([
        { from: null, to: 'reserved', endReason: null, atMs: 1_000, reason: 'placed' },
        { from: 'reserved', to: 'paid', endReason: null, atMs: 5_000, reason: 'reserved to paid' },
        { from: 'paid', to: 'starting', endReason: null, atMs: 6_000, reason: 'paid to starting' },
        { from: 'starting', to: 'running', endReason: null, atMs: 7_000, reason: 'starting to running' },
        { from: 'running', to: 'ended', endReason: 'completed', atMs: 9_000, reason: 'the job exited 0' },
      ]);
      expect(await store.listActiveLeases()).toEqual([]);
      expect(await store.listRenterLeases(RENTER, 10)).toEqual([ended]);
    });

    it('writes the end facts with the move that ends the lease, and only then', async () => {
      const store = await subject.open();
      for (const w of WORKERS) await store.upsertWorker(workerUpsert(w));
      await store.createLease(newLease('lease-a'));
      await store.createLease(newLease('lease-b'));
      await store.createLease(newLease('lease-c'));
      await store.transitionLease(change('reserved', 'paid', 2_000, { startedAtMs: 2_000 }));
      const completed = { workersCompleted: [...WORKERS], workersEndedBySupplier: [], renterMissedIncrement: false };
      expect(await store.transitionLease(change('paid', 'ended', 3_000, { endReason: 'completed', facts: completed }))).toBe(true);
      const lost = { workersCompleted: [], workersEndedBySupplier: ['wkr-2'], renterMissedIncrement: true };
      expect(await store.transitionLease(change('reserved', 'ended', 3_000, { leaseId: 'lease-b', endReason: 'unpaid', facts: lost }))).toBe(true);

      const facts = Object.fromEntries((await store.listWorkerFacts()).map((f) => [f.workerId, [f.leasesCompleted, f.leasesEndedBySupplier]]));
      expect(facts).toEqual({ 'wkr-1': [1, 0], 'wkr-2': [1, 1] });
      expect(await store.renterFacts(RENTER)).toEqual({ address: RENTER, incrementsOnTime: 0, incrementsLate: 0, incrementsMissed: 1, reservationsExpired: 0 });
      const expired = { workersCompleted: [], workersEndedBySupplier: [], renterMissedIncrement: false, renterLetReservationExpire: true };
      expect(await store.transitionLease(change('reserved', 'ended', 4_000, { leaseId: 'lease-c', endReason: 'unpaid', facts: expired }))).toBe(true);
      expect(await store.renterFacts(RENTER)).toEqual({ address: RENTER, incrementsOnTime: 0, incrementsLate: 0, incrementsMissed: 1, reservationsExpired: 1 });
    });

    it('keeps an ended lease ended: no move leaves it, whatever `from` says, and its end facts count once', async () => {
      const store = await subject.open();
      for (const w of WORKERS) await store.upsertWorker(workerUpsert(w));
      await store.createLease(newLease('lease-a'));
      const facts = { workersCompleted: [], workersEndedBySupplier: ['wkr-1'], renterMissedIncrement: true };
      expect(await store.transitionLease(change('reserved', 'ended', 3_000, { endReason: 'unpaid', facts }))).toBe(true);
      const before = await observe(store, ['lease-a']);
      expect(await store.transitionLease(change('reserved', 'ended', 4_000, { endReason: 'terminated', facts }))).toBe(false);
      expect(await store.transitionLease(change('ended', 'running', 4_000))).toBe(false);
      expect(await store.transitionLease(change('ended', 'ended', 4_000, { endReason: 'failed', facts }))).toBe(false);
      expect(await observe(store, ['lease-a'])).toEqual(before);
      expect((await store.workerFacts('wkr-1')).leasesEndedBySupplier).toBe(1);
      expect((await store.renterFacts(RENTER)).incrementsMissed).toBe(1);
    });

    it('lets exactly one of two racing moves from the same state win, on two instances of one storage', async () => {
      const store = await subject.open();
      const other = await subject.open();
      await store.createLease(newLease('lease-a'));
      const moves = [change('reserved', 'paid', 5_000, { startedAtMs: 5_000 }), change('reserved', 'ended', 5_000, { endReason: 'terminated' })];
      const results = await Promise.all([store.transitionLease(moves[0]!), other.transitionLease(moves[1]!)]);
      expect(results.filter(Boolean)).toHaveLength(1);
      const winner = moves[results.indexOf(true)]!;
      const stored = await other.getLease('lease-a');
      expect([stored?.state, stored?.endReason]).toEqual([winner.to, winner.endReason]);
      expect(stored?.transitions.map((t) => t.to)).toEqual(['reserved', winner.to]);
    });
  });
}
