import { useEffect, useSyncExternalStore } from 'react';
import { THEME_CACHE_KEY, isThemePreference, resolveTheme } from './theme';
import type { ResolvedTheme, ThemePreference } from './theme';
import { useStoreState } from './store-hooks';

const DARK_QUERY = '(prefers-color-scheme: dark)';

function subscribeSystem(onChange: () => void): () => void {
  const query = window.matchMedia(DARK_QUERY);
  query.addEventListener('change', onChange);
  return () => query.removeEventListener('change', onChange);
}

function systemPrefersDark(): boolean {
  return window.matchMedia(DARK_QUERY).matches;
}

/** The preference cached by the last run, for the first paint. */
export function cachedThemePreference(): ThemePreference {
  try {
    const value = window.localStorage.getItem(THEME_CACHE_KEY);
    return isThemePreference(value) ? value : 'system';
  } catch {
    return 'system';
  }
}

export function applyTheme(theme: ResolvedTheme): void {
  document.documentElement.dataset.theme = theme;
  document.documentElement.style.colorScheme = theme;
}

/**
 * Keeps `<html data-theme>` in line with the setting and, for "system", with the OS.
 * Returns the theme in force, so charts (which paint on canvas, not with CSS) can
 * redraw in the new colours.
 */
export function useTheme(): ResolvedTheme {
  const preference = useStoreState('settings', (s) => s.settings?.theme) ?? cachedThemePreference();
  const prefersDark = useSyncExternalStore(subscribeSystem, systemPrefersDark);
  const theme = resolveTheme(preference, prefersDark);

  useEffect(() => {
    applyTheme(theme);
    try {
      window.localStorage.setItem(THEME_CACHE_KEY, preference);
    } catch {
      // Storage can be off (private window); the theme still applies for this run.
    }
  }, [theme, preference]);

  return theme;
}
