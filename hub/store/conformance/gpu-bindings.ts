import { describe, expect, it } from 'vitest';
import type { StoreUnderTest } from './index';
import { RENTER, newLease } from './fixtures';

export function describeGpuBindings(subject: StoreUnderTest): void {
  describe('GPU bindings and expired reservations', () => {
    it('binds each UUID to the first (owner, machine) that registered it, across a restart and a second instance; a move rebinds it durably', async () => {
      const store = await subject.open();
      expect(await store.bindGpus('owner-a', 'machine-1', ['GPU-0', 'GPU-1'], 1_000)).toEqual([
        { gpuUuid: 'GPU-0', owner: 'owner-a', machineId: 'machine-1', boundAtMs: 1_000 },
        { gpuUuid: 'GPU-1', owner: 'owner-a', machineId: 'machine-1', boundAtMs: 1_000 },
      ]);
      const second = await subject.open();
      // A later claimant gets the incumbent's binding back, and binds only what was free.
      expect(await second.bindGpus('owner-b', 'machine-9', ['GPU-1', 'GPU-2'], 2_000)).toEqual([
        { gpuUuid: 'GPU-1', owner: 'owner-a', machineId: 'machine-1', boundAtMs: 1_000 },
        { gpuUuid: 'GPU-2', owner: 'owner-b', machineId: 'machine-9', boundAtMs: 2_000 },
      ]);
      await second.moveGpuBinding({ gpuUuid: 'GPU-1', owner: 'owner-b', machineId: 'machine-9', boundAtMs: 3_000 });
      const reopened = await subject.reopen(store);
      expect(await reopened.bindGpus('owner-a', 'machine-1', ['GPU-1'], 4_000)).toEqual([{ gpuUuid: 'GPU-1', owner: 'owner-b', machineId: 'machine-9', boundAtMs: 3_000 }]);
    });

    it('counts a reservation the renter let expire in its facts, once per transition', async () => {
      const store = await subject.open();
      await store.createLease(newLease('lease-a'));
      const facts = { workersCompleted: [], workersEndedBySupplier: [], renterMissedIncrement: false, renterLetReservationExpire: true };
      const expire = { leaseId: 'lease-a', from: 'reserved' as const, to: 'ended' as const, endReason: 'unpaid' as const, atMs: 5_000, reason: 'reservation expired', facts };
      expect(await store.transitionLease(expire)).toBe(true);
      expect(await store.transitionLease(expire)).toBe(false);
      expect((await store.renterFacts(RENTER)).reservationsExpired).toBe(1);
    });
  });
}
