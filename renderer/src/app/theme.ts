import type { Settings } from '../../../common/settings';

export type ResolvedTheme = 'dark' | 'light';
export type ThemePreference = Settings['theme'];

/** Remembered so the first paint already has the right theme, before settings load. */
export const THEME_CACHE_KEY = 'idlegrid.theme';

export function resolveTheme(preference: ThemePreference, systemPrefersDark: boolean): ResolvedTheme {
  if (preference === 'system') return systemPrefersDark ? 'dark' : 'light';
  return preference;
}

export function isThemePreference(value: unknown): value is ThemePreference {
  return value === 'system' || value === 'dark' || value === 'light';
}
