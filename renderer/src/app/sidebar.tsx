import './sidebar.css';
import { Icon } from '../components/icon';
import { Logo } from '../components/logo';
import { GROUP_LABELS, SECTIONS, hashFor } from './sections';
import type { SectionGroup, SectionId } from './sections';
import { useStoreState } from './store-hooks';

const GROUPS: SectionGroup[] = ['machine', 'market', 'account'];

export function Sidebar({ active }: { active: SectionId }) {
  const info = useStoreState('app', (s) => s.info);
  return (
    <aside className="sidebar">
      <a className="brand" href={hashFor('home')} aria-label="Idlegrid, home">
        <Logo />
        <span className="brand-name">Idlegrid</span>
      </a>
      <nav className="nav" aria-label="Sections">
        {GROUPS.map((group) => (
          <div className="nav-group" key={group}>
            <span className="nav-group-label">{GROUP_LABELS[group]}</span>
            <ul className="nav-list">
              {SECTIONS.filter((s) => s.group === group).map((section) => (
                <li key={section.id}>
                  <a
                    className="nav-item"
                    href={hashFor(section.id)}
                    aria-current={section.id === active ? 'page' : undefined}
                    data-testid={`nav-${section.id}`}
                    title={section.label}
                  >
                    <Icon name={section.id} />
                    <span className="nav-item-label">{section.label}</span>
                  </a>
                </li>
              ))}
            </ul>
          </div>
        ))}
      </nav>
      <footer className="sidebar-footer" data-testid="app-version">
        {info ? (
          <>
            <span>v{info.version}</span>
            <span className="sidebar-footer-shell">{info.shell === 'desktop' ? 'Desktop' : 'Headless'}</span>
          </>
        ) : null}
      </footer>
    </aside>
  );
}
