import { describe, expect, it } from 'vitest';
import { offerSearchQuerySchema } from '../../common/hub/market-types';
import type { OfferSearchQueryInput } from '../../common/hub/market-types';
import { InMemoryMarket } from '../testing/in-memory-market';
import { MODELS } from '../testing/market-fixtures';

const NOW = Date.UTC(2025, 0, 6, 12, 0); // Monday 12:00 UTC

function market(): InMemoryMarket {
  const m = new InMemoryMarket();
  m.addMachine({ workerId: 'w-4090-a', ...MODELS.rtx4090Spec(), count: 1, price: '350000', reliability: 0.7 });
  m.addMachine({ workerId: 'w-4090-b', ...MODELS.rtx4090Spec(), count: 2, price: '420000', reliability: 0.95, region: 'us-east' });
  m.addMachine({ workerId: 'w-v100', ...MODELS.v100Spec(), count: 8, price: '600000', reliability: 0.9, terms: { interruptible: true } });
  m.addMachine({ workerId: 'w-a100', ...MODELS.a100Spec(), count: 4, price: '1900000', reliability: 0.99 });
  m.addMachine({ workerId: 'w-night', ...MODELS.a100Spec(), count: 4, price: '1500000', reliability: 0.99, terms: { schedule: [{ days: [1], startMinuteUtc: 0, endMinuteUtc: 360 }] } });
  return m;
}

function search(m: InMemoryMarket, query: OfferSearchQueryInput, nowMs = NOW): string[] {
  return m.search.search(offerSearchQuerySchema.parse(query), nowMs).offers.map((o) => o.workerId);
}

describe('OfferSearch', () => {
  it('sorts by price (default), reliability and performance, ties broken the same way every time', () => {
    const m = market();
    expect(search(m, {})).toEqual(['w-4090-a', 'w-4090-b', 'w-v100', 'w-a100']);
    expect(search(m, { sort: 'reliability' })).toEqual(['w-a100', 'w-4090-b', 'w-v100', 'w-4090-a']);
    expect(search(m, { sort: 'performance' })).toEqual(['w-4090-a', 'w-4090-b', 'w-a100', 'w-v100']);
  });

  it('filters by every field', () => {
    const m = market();
    expect(search(m, { gpuModel: '4090' })).toEqual(['w-4090-a', 'w-4090-b']);
    expect(search(m, { gpuModel: 'a100' })).toEqual(['w-a100']);
    expect(search(m, { gpuModel: 'H100' })).toEqual([]);
    expect(search(m, { minVramMiB: '32768' })).toEqual(['w-v100', 'w-a100']);
    expect(search(m, { minGpus: '2' })).toEqual(['w-4090-b', 'w-v100', 'w-a100']);
    expect(search(m, { minGpus: '5' })).toEqual(['w-v100']);
    expect(search(m, { maxPricePerGpuHour: '420000' })).toEqual(['w-4090-a', 'w-4090-b']);
    expect(search(m, { maxPricePerGpuHour: '420000', sort: 'reliability' })).toEqual(['w-4090-b', 'w-4090-a']);
    expect(search(m, { minReliability: '0.95' })).toEqual(['w-4090-b', 'w-a100']);
    expect(search(m, { interruptible: 'true' })).toEqual(['w-v100']);
    expect(search(m, { interruptible: 'false' })).toEqual(['w-4090-a', 'w-4090-b', 'w-a100']);
    expect(search(m, { region: 'us-east' })).toEqual(['w-4090-b']);
    // Outside its weekly window an offer is not listed; inside it is.
    expect(search(m, { gpuModel: 'A100' }, NOW - 8 * 3_600_000)).toEqual(['w-night', 'w-a100']);
  });

  it('pages through results with offset and limit', () => {
    const m = market();
    const first = m.search.search(offerSearchQuerySchema.parse({ limit: '3' }), NOW);
    expect(first.offers.map((o) => o.workerId)).toEqual(['w-4090-a', 'w-4090-b', 'w-v100']);
    expect(first.nextOffset).toBe(3);
    const second = m.search.search(offerSearchQuerySchema.parse({ limit: '3', offset: String(first.nextOffset) }), NOW);
    expect(second.offers.map((o) => o.workerId)).toEqual(['w-a100']);
    expect(second.nextOffset).toBeNull();
  });

  it('shows free GPUs after a reservation and hides a machine with none free or offline', () => {
    const m = market();
    const offer = m.book.ofWorker('w-4090-b')[0]!;
    m.book.take(offer, 1, 'lease-1');
    const listing = m.search.search(offerSearchQuerySchema.parse({ region: 'us-east' }), NOW).offers[0]!;
    expect(listing.freeGpus).toBe(1);
    expect(listing.gpuCount).toBe(2);
    m.book.take(m.book.ofWorker('w-4090-a')[0]!, 1, 'lease-2');
    expect(search(m, { gpuModel: '4090' })).toEqual(['w-4090-b']);
    m.book.setWorkerListed('w-4090-b', false);
    expect(search(m, { gpuModel: '4090' })).toEqual([]);
    m.book.release('w-4090-a', m.book.ofWorker('w-4090-a')[0]!.terms.gpuUuids, 'lease-2');
    expect(search(m, { gpuModel: '4090' })).toEqual(['w-4090-a']);
  });

  it('re-sorts by reliability when scores change', () => {
    const m = market();
    m.book.setReliability('w-4090-a', 1, true);
    m.book.reliabilityChanged();
    expect(search(m, { sort: 'reliability' })[0]).toBe('w-4090-a');
  });
});
