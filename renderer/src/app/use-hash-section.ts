import { useSyncExternalStore } from 'react';
import { sectionFromHash } from './sections';
import type { SectionId } from './sections';

function subscribe(onChange: () => void): () => void {
  window.addEventListener('hashchange', onChange);
  return () => window.removeEventListener('hashchange', onChange);
}

function currentHash(): string {
  return window.location.hash;
}

/** The section named by the URL hash; links (`<a href="#/thermals">`) do the navigating. */
export function useHashSection(): SectionId {
  return sectionFromHash(useSyncExternalStore(subscribe, currentHash));
}
