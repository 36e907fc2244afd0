import type { HistoryRange } from '../../../../common/hardware/history';

/** What the Thermals charts show: the live window or a stored history range. */
export type ViewRange = 'live' | HistoryRange;

export const VIEW_RANGE_OPTIONS: ReadonlyArray<{ value: ViewRange; label: string }> = [
  { value: 'live', label: 'Live' },
  { value: '1h', label: '1 h' },
  { value: '24h', label: '24 h' },
  { value: '7d', label: '7 d' },
];

/** How often a history range is fetched again while on screen: about one new point's worth. */
export const HISTORY_REFRESH_MS: Record<HistoryRange, number> = {
  '1h': 30_000,
  '24h': 5 * 60_000,
  '7d': 15 * 60_000,
};

export const RANGE_DESCRIPTIONS: Record<ViewRange, string> = {
  live: 'last 10 minutes, one point a second',
  '1h': 'last hour, one point a second',
  '24h': 'last 24 hours, one point a minute',
  '7d': 'last 7 days, averaged',
};
