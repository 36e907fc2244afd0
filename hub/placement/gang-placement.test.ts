import { describe, expect, it } from 'vitest';
import type { PlacementConstraints } from '../../common/hub/lease-types';
import { InMemoryMarket } from '../testing/in-memory-market';
import { MODELS } from '../testing/market-fixtures';

const NOW = Date.UTC(2025, 0, 6, 12, 0); // a Monday, 12:00 UTC
const constraints = (c: Partial<PlacementConstraints> = {}): PlacementConstraints => ({ sameModel: true, ...c });

function place(market: InMemoryMarket, gpuCount: number, c: Partial<PlacementConstraints> = {}, leaseId = `lease-${Math.random()}`, leaseDurationMs: number | null = 3_600_000) {
  return market.placement.place({ gpuCount, constraints: constraints(c), leaseDurationMs, nowMs: NOW }, (offer, count) => market.book.take(offer, count, leaseId));
}

function summary(nodes: ReturnType<typeof place>) {
  return nodes?.map((n) => `${n.offer.workerId}:${n.gpuUuids.length}`) ?? null;
}

describe('GangPlacement', () => {
  it('puts a cluster on one machine when one can hold it, cheapest first, best fit on a tie', () => {
    const m = new InMemoryMarket();
    m.addMachine({ workerId: 'w-big', ...MODELS.v100Spec(), count: 8, price: '900000' });
    m.addMachine({ workerId: 'w-fit', ...MODELS.v100Spec(), count: 4, price: '900000' });
    m.addMachine({ workerId: 'w-dear', ...MODELS.v100Spec(), count: 4, price: '950000' });
    expect(summary(place(m, 3))).toEqual(['w-fit:3']);
    expect(summary(place(m, 8))).toEqual(['w-big:8']);
  });

  it('spans machines when no single one can hold the cluster, fewest machines first', () => {
    const m = new InMemoryMarket();
    m.addMachine({ workerId: 'w-a', ...MODELS.v100Spec(), count: 2, price: '500000' });
    m.addMachine({ workerId: 'w-b', ...MODELS.v100Spec(), count: 1, price: '400000' });
    m.addMachine({ workerId: 'w-c', ...MODELS.v100Spec(), count: 1, price: '400000' });
    m.addMachine({ workerId: 'w-d', ...MODELS.v100Spec(), count: 3, price: '800000' });
    // 5 GPUs: the 3-GPU machine then the 2-GPU one (2 machines), not four cheaper singles.
    expect(summary(place(m, 5))).toEqual(['w-d:3', 'w-a:2']);
  });

  it("never places a renter on its own offers (it would be paying itself)", () => {
    const m = new InMemoryMarket();
    m.addMachine({ workerId: 'w-mine', ...MODELS.v100Spec(), count: 4, price: '100000' });
    m.addMachine({ workerId: 'w-other', ...MODELS.v100Spec(), count: 2, price: '900000' });
    const mine = 'supplier-of-w-mine';
    const own = m.placement.place({ gpuCount: 2, constraints: constraints(), leaseDurationMs: 3_600_000, nowMs: NOW, excludeSupplier: mine }, (offer, count) => m.book.take(offer, count, 'lease-own'));
    expect(summary(own)).toEqual(['w-other:2']);
    expect(m.placement.plan({ gpuCount: 3, constraints: constraints(), leaseDurationMs: 3_600_000, nowMs: NOW, excludeSupplier: mine })).toBeNull();
  });

  it('places a job that asks for root only on machines whose owners allow it (issue 14, item 5)', () => {
    const m = new InMemoryMarket();
    m.addMachine({ workerId: 'w-cheap', ...MODELS.v100Spec(), count: 2, price: '100000' });
    m.addMachine({ workerId: 'w-root', ...MODELS.v100Spec(), count: 2, price: '900000', terms: { allowsRootJobs: true } });
    const request = { gpuCount: 2, constraints: constraints(), leaseDurationMs: 3_600_000, nowMs: NOW };
    expect(m.placement.plan({ ...request, gpuCount: 3, runAsRoot: true })).toBeNull();
    const root = m.placement.place({ ...request, runAsRoot: true }, (offer, count) => m.book.take(offer, count, 'lease-root'));
    expect(summary(root)).toEqual(['w-root:2']);
    // Without root the cheaper machine is fine.
    expect(summary(place(m, 2))).toEqual(['w-cheap:2']);
  });

  it('places a job that asks for internet egress only on offers that sell it (issue 11)', () => {
    const m = new InMemoryMarket();
    m.addMachine({ workerId: 'w-cheap', ...MODELS.v100Spec(), count: 2, price: '100000' });
    m.addMachine({ workerId: 'w-net', ...MODELS.v100Spec(), count: 2, price: '900000', terms: { egressPricePerHour: '50000' } });
    m.addMachine({ workerId: 'w-null', ...MODELS.v100Spec(), count: 2, price: '200000', terms: { egressPricePerHour: null } });
    const request = { gpuCount: 2, constraints: constraints(), leaseDurationMs: 3_600_000, nowMs: NOW };
    expect(m.placement.plan({ ...request, gpuCount: 3, egress: true })).toBeNull();
    const net = m.placement.place({ ...request, egress: true }, (offer, count) => m.book.take(offer, count, 'lease-net'));
    expect(summary(net)).toEqual(['w-net:2']);
    expect(summary(place(m, 2))).toEqual(['w-cheap:2']);
  });

  it('reserves nothing when the whole cluster cannot be placed (all or nothing)', () => {
    const m = new InMemoryMarket();
    m.addMachine({ workerId: 'w-a', ...MODELS.v100Spec(), count: 2, price: '500000' });
    m.addMachine({ workerId: 'w-b', ...MODELS.v100Spec(), count: 2, price: '500000' });
    expect(place(m, 5)).toBeNull();
    expect(m.book.heldGpuCount('w-a') + m.book.heldGpuCount('w-b')).toBe(0);
    expect(summary(place(m, 4))).toEqual(['w-a:2', 'w-b:2']);
    expect(place(m, 1)).toBeNull();
  });

  it('never gives the same GPU to two leases', () => {
    const m = new InMemoryMarket();
    for (let i = 0; i < 20; i++) m.addMachine({ workerId: `w-${i}`, ...MODELS.rtx4090Spec(), count: 1 + (i % 4), price: String(400_000 + i * 1000) });
    const taken = new Set<string>();
    let placed = 0;
    for (let i = 0; i < 100; i++) {
      const nodes = place(m, 1 + (i % 5), {}, `lease-${i}`);
      if (!nodes) continue;
      placed += 1;
      for (const n of nodes) for (const g of n.gpuUuids) {
        expect(taken.has(g)).toBe(false);
        taken.add(g);
      }
    }
    expect(taken.size).toBe(50); // 20 machines × (1+2+3+4)/4 GPUs = 50: every GPU placed once
    expect(placed).toBeGreaterThan(0);
  });

  it('honours model, VRAM, price, reliability, region, interruptible, lease length, schedule and maxNodes', () => {
    const m = new InMemoryMarket();
    m.addMachine({ workerId: 'w-4090', ...MODELS.rtx4090Spec(), count: 2, price: '400000', reliability: 0.6 });
    m.addMachine({ workerId: 'w-a100', ...MODELS.a100Spec(), count: 2, price: '2000000', region: 'us-east', reliability: 0.99 });
    m.addMachine({ workerId: 'w-spot', ...MODELS.a100Spec(), count: 2, price: '1000000', terms: { interruptible: true } });
    m.addMachine({ workerId: 'w-short', ...MODELS.a100Spec(), count: 2, price: '900000', terms: { maxLeaseMs: 1_800_000 } });
    m.addMachine({ workerId: 'w-night', ...MODELS.a100Spec(), count: 2, price: '800000', terms: { schedule: [{ days: [1], startMinuteUtc: 0, endMinuteUtc: 360 }] } });

    const plan = (c: Partial<PlacementConstraints>, n = 1, d: number | null = 3_600_000) =>
      m.placement.plan({ gpuCount: n, constraints: constraints(c), leaseDurationMs: d, nowMs: NOW })?.map((p) => p.offer.workerId) ?? null;
    expect(plan({ gpuModel: '4090' })).toEqual(['w-4090']);
    expect(plan({ minVramMiB: 40_000 })).toEqual(['w-spot']); // the A100s; night is closed, short too short
    expect(plan({ minVramMiB: 40_000, interruptible: false })).toEqual(['w-a100']);
    expect(plan({ maxPricePerGpuHour: '500000' })).toEqual(['w-4090']);
    expect(plan({ minReliability: 0.95 })).toEqual(['w-a100']);
    expect(plan({ region: 'us-east' })).toEqual(['w-a100']);
    expect(plan({ minVramMiB: 40_000, interruptible: false }, 1, 1_000_000)).toEqual(['w-short']);
    expect(m.placement.plan({ gpuCount: 1, constraints: constraints({ minVramMiB: 40_000, interruptible: false }), leaseDurationMs: 3_600_000, nowMs: NOW - 8 * 3_600_000 })?.map((p) => p.offer.workerId)).toEqual(['w-night']);
    expect(plan({ gpuModel: 'A100', interruptible: false }, 4)).toBeNull(); // only w-a100 is open, on-demand and long enough
    expect(plan({ gpuModel: 'A100' }, 4, 1_000_000)).toEqual(['w-short', 'w-spot']);
    expect(plan({ gpuModel: 'A100', maxNodes: 1 }, 4, 1_000_000)).toBeNull();
  });

  it('keeps one model per cluster unless mixing is allowed', () => {
    const m = new InMemoryMarket();
    m.addMachine({ workerId: 'w-4090', ...MODELS.rtx4090Spec(), count: 2, price: '400000' });
    m.addMachine({ workerId: 'w-a100', ...MODELS.a100Spec(), count: 2, price: '2000000' });
    expect(place(m, 3)).toBeNull();
    expect(summary(place(m, 3, { sameModel: false }))).toEqual(['w-4090:2', 'w-a100:1']);
  });

  it('gives the same placement for the same market and request (deterministic tie-breaks)', () => {
    const build = () => {
      const m = new InMemoryMarket();
      for (const id of ['w-q', 'w-c', 'w-x', 'w-a']) m.addMachine({ workerId: id, ...MODELS.v100Spec(), count: 2, price: '700000' });
      return m;
    };
    const first = summary(place(build(), 5));
    expect(first).toEqual(summary(place(build(), 5)));
    expect(first).toHaveLength(3);
  });
});
