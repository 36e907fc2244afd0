import type { ScheduleWindow } from '../../../../common/hub/market-types';

const DAY_MIN = 1440;
const WEEK_MIN = 7 * DAY_MIN;

/** A window of the week in one time zone: days (0 = Sunday) and minutes of the day, end exclusive. */
export interface DayWindow {
  days: number[];
  startMinute: number;
  endMinute: number;
}

/** This machine's offset from UTC now, in minutes east (UTC+2 → 120). */
export function localOffsetMinutes(atMs: number = Date.now()): number {
  return -new Date(atMs).getTimezoneOffset();
}

/** "UTC+02:00", "UTC−05:30". */
export function formatUtcOffset(offsetMinutes: number): string {
  const sign = offsetMinutes < 0 ? '−' : '+';
  const abs = Math.abs(offsetMinutes);
  return `UTC${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/**
 * Moves weekly windows by `shiftMinutes` (local → UTC: −offset; UTC → local: +offset). A
 * window that crosses midnight after the shift is cut at midnight into two days' parts, and
 * parts with the same times are grouped back into one window over several days, so
 * `shift(shift(w, −o), +o)` gives the owner's windows back.
 */
function shiftWindows(windows: readonly DayWindow[], shiftMinutes: number): DayWindow[] {
  // Minute-of-week intervals, shifted and wrapped into [0, WEEK).
  const intervals: Array<[number, number]> = [];
  for (const w of windows) {
    for (const day of new Set(w.days)) {
      let start = (((day * DAY_MIN + w.startMinute + shiftMinutes) % WEEK_MIN) + WEEK_MIN) % WEEK_MIN;
      let length = w.endMinute - w.startMinute;
      while (length > 0) {
        const piece = Math.min(length, WEEK_MIN - start);
        intervals.push([start, start + piece]);
        length -= piece;
        start = 0;
      }
    }
  }
  intervals.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  // Touching or overlapping intervals become one, so a window cut by one shift is whole after the other.
  const merged: Array<[number, number]> = [];
  for (const [s, e] of intervals) {
    const last = merged[merged.length - 1];
    if (last && s <= last[1]) last[1] = Math.max(last[1], e);
    else merged.push([s, e]);
  }
  // Cut at every midnight and group the day parts by their times.
  const byTimes = new Map<string, DayWindow>();
  for (const [s, e] of merged) {
    for (let from = s; from < e; ) {
      const day = Math.floor(from / DAY_MIN);
      const to = Math.min(e, (day + 1) * DAY_MIN);
      const startMinute = from - day * DAY_MIN;
      const endMinute = to - day * DAY_MIN;
      const key = `${startMinute}-${endMinute}`;
      const window = byTimes.get(key) ?? { days: [], startMinute, endMinute };
      window.days.push(day);
      byTimes.set(key, window);
      from = to;
    }
  }
  return [...byTimes.values()].map((w) => ({ ...w, days: [...new Set(w.days)].sort((a, b) => a - b) })).sort((a, b) => a.startMinute - b.startMinute || a.days[0]! - b.days[0]!);
}

/** The owner's local windows as the hub stores them (UTC). */
export function localToUtc(windows: readonly DayWindow[], offsetMinutes: number): ScheduleWindow[] {
  return shiftWindows(windows, -offsetMinutes).map((w) => ({ days: w.days, startMinuteUtc: w.startMinute, endMinuteUtc: w.endMinute }));
}

/** Stored (UTC) windows as the owner reads them, in local time. */
export function utcToLocal(windows: readonly ScheduleWindow[], offsetMinutes: number): DayWindow[] {
  return shiftWindows(
    windows.map((w) => ({ days: [...w.days], startMinute: w.startMinuteUtc, endMinute: w.endMinuteUtc })),
    offsetMinutes,
  );
}
