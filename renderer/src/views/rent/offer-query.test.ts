import { describe, expect, it } from 'vitest';
import { constraintsFromQuery, describeConstraints, EMPTY_FILTERS, queryFromFilters } from './offer-query';

describe('offer query', () => {
  it('turns the typed filters into the search query', () => {
    const { query, errors } = queryFromFilters({ ...EMPTY_FILTERS, gpuModel: ' 4090 ', minVramGb: '24', minGpus: '2', maxPrice: '0.5', minReliability: '90', kind: 'on-demand', region: 'EU-West', sort: 'reliability' });
    expect(errors).toEqual({});
    expect(query).toEqual({ sort: 'reliability', gpuModel: '4090', minVramMiB: 24_576, minGpus: 2, maxPricePerGpuHour: '500000', minReliability: 0.9, interruptible: false, region: 'eu-west' });
    expect(constraintsFromQuery(query!)).toEqual({ gpuModel: '4090', minVramMiB: 24_576, maxPricePerGpuHour: '500000', minReliability: 0.9, interruptible: false, region: 'eu-west' });
    expect(describeConstraints(constraintsFromQuery(query!))).toContain('≤ 0.50 USDC/GPU-h');
  });

  it('says which filter is wrong', () => {
    const { query, errors } = queryFromFilters({ ...EMPTY_FILTERS, minGpus: '40', minReliability: '120', maxPrice: 'abc', region: 'eu west' });
    expect(query).toBeNull();
    expect(Object.keys(errors).sort()).toEqual(['maxPrice', 'minGpus', 'minReliability', 'region']);
  });
});
