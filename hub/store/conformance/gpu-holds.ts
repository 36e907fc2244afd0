import { describe, expect, it } from 'vitest';
import { GpuHeldError } from '../hub-store';
import type { StoreUnderTest } from './index';
import { newLease } from './fixtures';
import { observe } from './observe';

const LAST_TWO: [string[], string[]] = [['GPU-last-0'], ['GPU-last-1']];

export function describeGpuHolds(subject: StoreUnderTest): void {
  describe('GPU holds', () => {
    it('refuses a lease on a GPU an active lease holds, writing nothing; frees the GPUs when that lease ends', async () => {
      const store = await subject.open();
      await store.createLease(newLease('lease-a', { gpuUuids: [['GPU-x', 'GPU-y'], ['GPU-z']] }));
      const before = await observe(store, ['lease-a', 'lease-b']);
      // Only one GPU in common, on rank 1's worker.
      const clash = newLease('lease-b', { gpuUuids: [['GPU-other'], ['GPU-z']] });
      const refused = await store.createLease(clash).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(GpuHeldError);
      // It names the GPU taken and the lease holding it (an instance marks it and plans again).
      expect((refused as GpuHeldError).held).toEqual([{ workerId: clash.placement.nodes[1]!.workerId, gpuUuid: 'GPU-z', leaseId: 'lease-a' }]);
      expect(await observe(store, ['lease-a', 'lease-b'])).toEqual(before);
      // The same uuid on another worker is another GPU.
      await store.createLease(newLease('lease-c', { gpuUuids: [['GPU-z'], ['GPU-w']] }));

      expect(await store.transitionLease({ leaseId: 'lease-a', from: 'reserved', to: 'paid', endReason: null, atMs: 2_000, reason: 'paid' })).toBe(true);
      await expect(store.createLease(clash)).rejects.toBeInstanceOf(GpuHeldError);
      expect(await store.transitionLease({ leaseId: 'lease-a', from: 'paid', to: 'ended', endReason: 'completed', atMs: 3_000, reason: 'done' })).toBe(true);
      await store.createLease(clash);
      expect((await store.getLease('lease-b'))?.state).toBe('reserved');
    });

    it('lets exactly two of six racing leases for the last two GPUs win, over two instances of one storage', async () => {
      const store = await subject.open();
      const other = await subject.open();
      // Six quotes, three per instance; each wants one of the two GPUs (rank 0) and a GPU of its own (rank 1).
      const attempts = Array.from({ length: 6 }, (_, i) => {
        const lease = newLease(`lease-${i}`, { gpuUuids: [LAST_TWO[i % 2]!, [`GPU-own-${i}`]] });
        return (i < 3 ? store : other).createLease(lease);
      });
      const outcomes = await Promise.allSettled(attempts);
      const won = outcomes.flatMap((o, i) => (o.status === 'fulfilled' ? [i] : []));
      expect(won).toHaveLength(2);
      expect(won.map((i) => i % 2).sort()).toEqual([0, 1]);
      for (const o of outcomes) {
        if (o.status !== 'rejected') continue;
        expect(o.reason).toBeInstanceOf(GpuHeldError);
        expect((o.reason as GpuHeldError).held.map((h) => h.gpuUuid)).toHaveLength(1);
      }
      const active = await other.listActiveLeases();
      expect(active.map((l) => l.leaseId).sort()).toEqual(won.map((i) => `lease-${i}`).sort());
    });
  });
}
