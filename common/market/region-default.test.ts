import { describe, expect, it } from 'vitest';
import { regionSchema } from '../hub/market-types';
import { regionFromTimeZone } from './region-default';

describe('regionFromTimeZone', () => {
  it('picks a coarse region from the time zone, valid for the hub', () => {
    const cases: Array<[string, number, string]> = [
      ['Europe/London', 0, 'eu-west'],
      ['Europe/Berlin', 60, 'eu-central'],
      ['Europe/Helsinki', 120, 'eu-east'],
      ['America/New_York', -300, 'na-east'],
      ['America/Los_Angeles', -480, 'na-west'],
      ['America/Sao_Paulo', -180, 'sa'],
      ['America/Argentina/Buenos_Aires', -180, 'sa'],
      ['Asia/Tokyo', 540, 'asia-east'],
      ['Asia/Kolkata', 330, 'asia-west'],
      ['Asia/Singapore', 480, 'asia-south-east'],
      ['Australia/Sydney', 600, 'oceania'],
      ['Africa/Lagos', 60, 'africa'],
    ];
    for (const [zone, offset, region] of cases) {
      expect(regionFromTimeZone(zone, offset)).toBe(region);
      expect(regionSchema.safeParse(region).success).toBe(true);
    }
  });

  it('keeps "local" when the zone says nothing (UTC, unknown)', () => {
    expect(regionFromTimeZone('UTC', 0)).toBe('local');
    expect(regionFromTimeZone(undefined, 0)).toBe('local');
    expect(regionFromTimeZone('Etc/GMT+3', -180)).toBe('local');
  });
});
