import { describe, expect, it } from 'vitest';
import { DEFAULT_LEND_TERMS } from '../../../../common/market/lend-types';
import { draftFromTerms, termsFromDraft } from './terms-draft';

describe('terms draft', () => {
  it('round-trips the defaults', () => {
    const draft = draftFromTerms(DEFAULT_LEND_TERMS, undefined, 0);
    expect(draft.price).toBe('0.45');
    expect(draft.maxLeaseHours).toBe('168');
    expect(termsFromDraft(draft, DEFAULT_LEND_TERMS, undefined, 0)).toEqual({ terms: DEFAULT_LEND_TERMS, errors: {} });
  });

  it('converts units people type into the wire units', () => {
    const draft = { ...draftFromTerms(DEFAULT_LEND_TERMS), price: '1.2', minLeaseHours: '0.5', electricityPrice: '0', schedule: [{ days: [6, 0], start: '22:00', end: '24:00' }] };
    const { terms } = termsFromDraft(draft, DEFAULT_LEND_TERMS, undefined, 0);
    expect(terms?.pricePerGpuHour).toBe('1200000');
    expect(terms?.minLeaseMs).toBe(1_800_000);
    expect(terms?.electricityPricePerKwh).toBe('0');
    expect(terms?.schedule).toEqual([{ days: [0, 6], startMinuteUtc: 1320, endMinuteUtc: 1440 }]);
  });

  it('egress (issue 11): empty = not offered, a price in the token per machine-hour, a bad one named', () => {
    const draft = draftFromTerms(DEFAULT_LEND_TERMS, undefined, 0);
    expect(draft.egressPrice).toBe('');
    const offered = termsFromDraft({ ...draft, egressPrice: '0.06' }, DEFAULT_LEND_TERMS, undefined, 0).terms!;
    expect(offered.egressPricePerHour).toBe('60000');
    expect(draftFromTerms(offered, undefined, 0).egressPrice).toBe('0.06');
    expect(termsFromDraft({ ...draft, egressPrice: '  ' }, offered, undefined, 0).terms!.egressPricePerHour).toBeNull();
    expect(termsFromDraft({ ...draft, egressPrice: 'lots' }, DEFAULT_LEND_TERMS, undefined, 0).errors.egressPrice).toMatch(/^Internet access price: .*Leave it empty/);
  });

  it('shows and edits the schedule in local time and stores it in UTC', () => {
    // 22:00–24:00 on weekends in UTC+2 is 20:00–22:00 UTC; the form shows it back as typed.
    const draft = { ...draftFromTerms(DEFAULT_LEND_TERMS, undefined, 120), schedule: [{ days: [6, 0], start: '22:00', end: '24:00' }] };
    const { terms } = termsFromDraft(draft, DEFAULT_LEND_TERMS, undefined, 120);
    expect(terms?.schedule).toEqual([{ days: [0, 6], startMinuteUtc: 1200, endMinuteUtc: 1320 }]);
    expect(draftFromTerms(terms!, undefined, 120).schedule).toEqual([{ days: [0, 6], start: '22:00', end: '24:00' }]);
  });

  it('names each field that is wrong and says what to enter', () => {
    const draft = {
      ...draftFromTerms(DEFAULT_LEND_TERMS),
      price: '0',
      minLeaseHours: '10',
      maxLeaseHours: '2',
      maxTemperatureC: '120',
      electricityPrice: 'abc',
      schedule: [{ days: [], start: '08:00', end: '09:00' }, { days: [1], start: '10:00', end: '09:00' }],
    };
    const { terms, errors } = termsFromDraft(draft, DEFAULT_LEND_TERMS);
    expect(terms).toBeNull();
    expect(errors.price).toMatch(/more than 0/);
    expect(errors.maxLeaseHours).toMatch(/shorter than the minimum/);
    expect(errors.maxTemperatureC).toMatch(/50 to 100/);
    expect(errors.electricityPrice).toMatch(/Electricity/);
    expect(errors['schedule.0']).toMatch(/at least one day/);
    expect(errors['schedule.1']).toMatch(/end after it starts/);
  });

  it('lets the owner set the region, and refuses one the hub would not take', () => {
    const base = draftFromTerms(DEFAULT_LEND_TERMS, undefined, 0);
    expect(base.region).toBe('local');
    expect(termsFromDraft({ ...base, region: ' EU-West ' }, DEFAULT_LEND_TERMS, undefined, 0).terms?.region).toBe('eu-west');
    expect(termsFromDraft({ ...base, region: 'eu west!' }, DEFAULT_LEND_TERMS, undefined, 0).errors.region).toMatch(/lower-case letters/);
  });

  it('refuses more than six decimals of USDC', () => {
    const { errors } = termsFromDraft({ ...draftFromTerms(DEFAULT_LEND_TERMS), price: '0.1234567' }, DEFAULT_LEND_TERMS);
    expect(errors.price).toMatch(/6 digits/);
  });
});
