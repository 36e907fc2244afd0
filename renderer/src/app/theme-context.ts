import { createContext } from 'react';
import type { ResolvedTheme } from './theme';

/** The theme in force, for what paints on canvas (charts) rather than with CSS. */
export const ThemeContext = createContext<ResolvedTheme>('dark');
