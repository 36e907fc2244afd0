import { describe, expect, it } from 'vitest';
import { isWithinSchedule } from '../../../../common/market/offer-schedule';
import { formatUtcOffset, localToUtc, utcToLocal } from './schedule-local';

const WEEKDAYS = [1, 2, 3, 4, 5];

describe('schedules in local time, stored in UTC', () => {
  it('is the identity at UTC', () => {
    const local = [{ days: WEEKDAYS, startMinute: 22 * 60, endMinute: 24 * 60 }];
    expect(localToUtc(local, 0)).toEqual([{ days: WEEKDAYS, startMinuteUtc: 1320, endMinuteUtc: 1440 }]);
    expect(utcToLocal(localToUtc(local, 0), 0)).toEqual(local);
  });

  it('moves a window into UTC and back, cutting it at UTC midnight when it crosses it', () => {
    // 01:00–03:00 in UTC+2 on Monday is Sunday 23:00–24:00 and Monday 00:00–01:00 UTC.
    const local = [{ days: [1], startMinute: 60, endMinute: 180 }];
    const utc = localToUtc(local, 120);
    expect(utc).toEqual([
      { days: [1], startMinuteUtc: 0, endMinuteUtc: 60 },
      { days: [0], startMinuteUtc: 1380, endMinuteUtc: 1440 },
    ]);
    expect(utcToLocal(utc, 120)).toEqual(local);
    // The hub's own check agrees: Monday 02:00 local = Monday 00:00 UTC (2024-01-01 was a Monday).
    expect(isWithinSchedule(utc, Date.UTC(2024, 0, 1, 0, 30))).toBe(true);
    expect(isWithinSchedule(utc, Date.UTC(2024, 0, 1, 1, 30))).toBe(false);
  });

  it('wraps Saturday into Sunday west of UTC and keeps the evening whole for the owner', () => {
    // Friday and Saturday 20:00–24:00 in UTC−05:00 are Saturday and Sunday 01:00–05:00 UTC.
    const local = [{ days: [5, 6], startMinute: 20 * 60, endMinute: 24 * 60 }];
    const utc = localToUtc(local, -300);
    expect(utc).toEqual([{ days: [0, 6], startMinuteUtc: 60, endMinuteUtc: 300 }]);
    expect(utcToLocal(utc, -300)).toEqual(local);
    expect(utcToLocal(utc, 0)).toEqual([{ days: [0, 6], startMinute: 60, endMinute: 300 }]);
  });

  it('names the offset', () => {
    expect(formatUtcOffset(120)).toBe('UTC+02:00');
    expect(formatUtcOffset(-330)).toBe('UTC−05:30');
    expect(formatUtcOffset(0)).toBe('UTC+00:00');
  });
});
