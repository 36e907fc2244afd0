/**
 * Every section of the app, in sidebar order (product.md). The hash route is
 * `#/<id>`, so an e2e test or a link can open any section directly.
 */
export const SECTION_IDS = ['home', 'lend', 'thermals', 'earnings', 'rent', 'wallet', 'explorer', 'settings'] as const;
export type SectionId = (typeof SECTION_IDS)[number];

export type SectionGroup = 'machine' | 'market' | 'account';

export interface Section {
  id: SectionId;
  label: string;
  group: SectionGroup;
}

export const SECTIONS: readonly Section[] = [
  { id: 'home', label: 'Home', group: 'machine' },
  { id: 'lend', label: 'Lend', group: 'machine' },
  { id: 'thermals', label: 'Thermals', group: 'machine' },
  { id: 'earnings', label: 'Earnings', group: 'machine' },
  { id: 'rent', label: 'Rent', group: 'market' },
  { id: 'explorer', label: 'Explorer', group: 'market' },
  { id: 'wallet', label: 'Wallet', group: 'account' },
  { id: 'settings', label: 'Settings', group: 'account' },
];

export const GROUP_LABELS: Record<SectionGroup, string> = {
  machine: 'This machine',
  market: 'Market',
  account: 'Account',
};

export const DEFAULT_SECTION: SectionId = 'home';

export function isSectionId(value: string): value is SectionId {
  return (SECTION_IDS as readonly string[]).includes(value);
}

/** `#/thermals` → thermals; `#/thermals?x=1`, `#thermals` too; anything else → home. */
export function sectionFromHash(hash: string): SectionId {
  const id = hash.replace(/^#\/?/, '').split(/[/?]/)[0]?.toLowerCase() ?? '';
  return isSectionId(id) ? id : DEFAULT_SECTION;
}

export function hashFor(id: SectionId): string {
  return `#/${id}`;
}

export function sectionLabel(id: SectionId): string {
  return SECTIONS.find((s) => s.id === id)?.label ?? id;
}
