import './shell.css';
import { useEffect } from 'react';
import type { MouseEvent } from 'react';
import { ConnectionBanner } from './connection-banner';
import { SectionView } from './section-view';
import { sectionLabel } from './sections';
import { Sidebar } from './sidebar';
import { ThemeContext } from './theme-context';
import { TopBar } from './top-bar';
import { useHashSection } from './use-hash-section';
import { WelcomeDialog } from '../views/welcome/welcome-dialog';
import { useTheme } from './use-theme';

export function App() {
  const section = useHashSection();
  const theme = useTheme();

  useEffect(() => {
    document.title = `${sectionLabel(section)} · Idlegrid`;
  }, [section]);

  return (
    <ThemeContext value={theme}>
      <a className="skip-link" href="#main" onClick={focusMain}>
        Skip to content
      </a>
      <div className="shell">
        <Sidebar active={section} />
        <div className="shell-main">
          <TopBar section={section} />
          <ConnectionBanner />
          <main className="shell-content" id="main" tabIndex={-1}>
            {/* A key per section: each view starts fresh and scrolls from its top. */}
            <SectionView key={section} section={section} />
          </main>
        </div>
      </div>
      {/* First run on the sandbox only; it decides for itself whether to show. */}
      <WelcomeDialog />
    </ThemeContext>
  );
}

/** The hash is the router, so the skip link focuses instead of navigating. */
function focusMain(event: MouseEvent): void {
  event.preventDefault();
  document.getElementById('main')?.focus();
}
