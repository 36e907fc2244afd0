import { describe, expect, it } from 'vitest';
import type { StoredExplorerPoint } from '../hub-store';
import type { StoreUnderTest } from './index';

const point = (resolutionMs: number, atMs: number, extra: Partial<StoredExplorerPoint> = {}): StoredExplorerPoint => ({
  atMs,
  resolutionMs,
  workersOnline: 3,
  gpusOnline: 10,
  gpusLeased: 4,
  utilisation: 0.4,
  leasesRunning: 2,
  leasesActive: 3,
  volumePaidAllTime: 123_456_789_012_345_678_901_234_567_890n,
  groups: [{ gpuModel: 'NVIDIA A100-SXM4-80GB', region: 'eu-west', gpus: 8, leased: 4 }, { gpuModel: 'Tesla V100S-PCIE-32GB', region: 'us-east', gpus: 2, leased: 0 }],
  ...extra,
});

export function describeExplorerSeries(subject: StoreUnderTest): void {
  describe('explorer series', () => {
    it('keeps points per resolution, lists a time range oldest first, exact volume; saving a point again replaces it', async () => {
      const store = await subject.open();
      await store.saveExplorerPoints([point(60_000, 180_000), point(60_000, 60_000), point(60_000, 120_000, { gpusLeased: 5 }), point(3_600_000, 0, { utilisation: 0.25 })]);
      const fine = await store.listExplorerPoints(60_000, 60_000, 180_000);
      expect(fine.map((p) => p.atMs)).toEqual([60_000, 120_000]);
      expect(fine[0]).toEqual(point(60_000, 60_000));
      expect(fine[1]!.gpusLeased).toBe(5);
      await store.saveExplorerPoints([point(60_000, 120_000, { gpusLeased: 7, volumePaidAllTime: 1n })]);
      expect((await store.listExplorerPoints(60_000, 120_000, 120_001))[0]).toMatchObject({ gpusLeased: 7, volumePaidAllTime: 1n });
      expect(await store.listExplorerPoints(3_600_000, 0, Number.MAX_SAFE_INTEGER)).toEqual([point(3_600_000, 0, { utilisation: 0.25 })]);
    });

    it('deletes only the older points of one resolution, and they stay deleted after a restart', async () => {
      let store = await subject.open();
      await store.saveExplorerPoints([point(60_000, 60_000), point(60_000, 120_000), point(3_600_000, 60_000)]);
      expect(await store.deleteExplorerPoints(60_000, 120_000)).toBe(1);
      store = await subject.reopen(store);
      expect((await store.listExplorerPoints(60_000, 0, Number.MAX_SAFE_INTEGER)).map((p) => p.atMs)).toEqual([120_000]);
      expect((await store.listExplorerPoints(3_600_000, 0, Number.MAX_SAFE_INTEGER)).map((p) => p.atMs)).toEqual([60_000]);
    });
  });
}
