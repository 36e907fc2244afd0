import { describe, expect, it } from 'vitest';
import { costForGpuTime, nodeCostForTime } from '../../common/hub/base-units';
import type { PlacementNode } from '../../common/hub/lease-types';
import { perIncrementAmounts, sumAmounts } from './lease-pricing';

const node = (over: Partial<PlacementNode> = {}): PlacementNode => ({
  rank: 0, workerId: 'w0', offerId: 'o0', supplier: 'S0', gpuModel: 'RTX 4090', vramMiB: 24_564, gpuUuids: ['GPU-a', 'GPU-b'],
  pricePerGpuHour: '1300000', region: 'eu-west', interruptible: false, ...over,
});

describe('lease pricing with egress (issue 11)', () => {
  it('adds the egress price per node-hour to each increment; the increments still sum exactly to the whole cost', () => {
    // Awkward numbers on purpose: 7 increments of 7 min, prices that do not divide the hour.
    const incrementMs = 7 * 60_000;
    const count = 7;
    const nodes = [node({ egressPricePerHour: '333333' }), node({ rank: 1, workerId: 'w1', supplier: 'S1', gpuUuids: ['GPU-c'], pricePerGpuHour: '999999' })];
    let total = 0n;
    let egressTotal = 0n;
    for (let k = 0; k < count; k++) {
      const amounts = perIncrementAmounts(nodes, incrementMs, k);
      const withoutEgress = perIncrementAmounts([{ ...nodes[0]!, egressPricePerHour: undefined }, nodes[1]!], incrementMs, k);
      egressTotal += sumAmounts(amounts) - sumAmounts(withoutEgress);
      // Only the node that bought egress pays more.
      expect(amounts.find((a) => a.payee === 'S1')?.amount).toBe(withoutEgress.find((a) => a.payee === 'S1')?.amount);
      total += sumAmounts(amounts);
    }
    const durationMs = count * incrementMs;
    expect(egressTotal).toBe(costForGpuTime(333_333n, 1, durationMs)); // one node-hour rate, not per GPU
    expect(total).toBe(nodeCostForTime({ pricePerGpuHour: '1300000', gpuCount: 2, egressPricePerHour: '333333' }, durationMs) + costForGpuTime(999_999n, 1, durationMs));
  });

  it('a node without egress pays exactly the GPU price', () => {
    const amounts = perIncrementAmounts([node()], 600_000, 0);
    expect(amounts).toEqual([{ payee: 'S0', amount: costForGpuTime(1_300_000n, 2, 600_000) }]);
  });
});
