import { describe, expect, it } from 'vitest';
import { SECTIONS, SECTION_IDS, hashFor, sectionFromHash } from './sections';

describe('sections', () => {
  it('reads the section from the hash', () => {
    expect(sectionFromHash('#/thermals')).toBe('thermals');
    expect(sectionFromHash('#thermals')).toBe('thermals');
    expect(sectionFromHash('#/Settings')).toBe('settings');
    expect(sectionFromHash('#/wallet/send')).toBe('wallet');
    expect(sectionFromHash('#/rent?gpu=h100')).toBe('rent');
  });

  it('falls back to home for an empty or unknown hash', () => {
    expect(sectionFromHash('')).toBe('home');
    expect(sectionFromHash('#/')).toBe('home');
    expect(sectionFromHash('#/nope')).toBe('home');
  });

  it('lists every section of the product once, and round-trips its hash', () => {
    expect(SECTIONS.map((s) => s.id).sort()).toEqual([...SECTION_IDS].sort());
    for (const id of SECTION_IDS) expect(sectionFromHash(hashFor(id))).toBe(id);
  });
});
