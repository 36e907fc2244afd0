import './top-bar.css';
import { NetworkBadge } from './network-badge';
import { sectionLabel } from './sections';
import type { SectionId } from './sections';
import { useStoreState } from './store-hooks';

export function TopBar({ section }: { section: SectionId }) {
  const hostname = useStoreState('hardware', (s) => s.snapshot?.host?.hostname ?? null);
  return (
    <header className="top-bar">
      <div className="top-bar-where">
        <span className="top-bar-section">{sectionLabel(section)}</span>
        {hostname ? (
          <span className="top-bar-host" title="This machine">
            {hostname}
          </span>
        ) : null}
      </div>
      <div className="top-bar-status">
        <NetworkBadge />
      </div>
    </header>
  );
}
