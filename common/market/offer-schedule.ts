import type { ScheduleWindow } from '../hub/market-types';

const MS_PER_MINUTE = 60_000;
const MS_PER_DAY = 86_400_000;

/**
 * Whether an offer takes new leases at `nowMs`: inside one of its weekly UTC windows, or
 * always when it has none. Leases already running are not cut at the window's end (the
 * worker lets them finish), so the hub only checks this when placing and searching.
 */
export function isWithinSchedule(schedule: readonly ScheduleWindow[], nowMs: number): boolean {
  if (schedule.length === 0) return true;
  const day = (Math.floor(nowMs / MS_PER_DAY) + 4) % 7; // 1970-01-01 was a Thursday (4)
  const minute = Math.floor((nowMs % MS_PER_DAY) / MS_PER_MINUTE);
  return schedule.some((w) => w.days.includes(day) && minute >= w.startMinuteUtc && minute < w.endMinuteUtc);
}
