import { describe, expect, it } from 'vitest';
import {
  MISSING,
  formatBytes,
  formatCount,
  formatPcie,
  formatPercent,
  formatPowerOfLimit,
  formatVram,
  formatVramUsage,
  formatWatts,
  shortenUuid,
  vendorLabel,
} from './hardware-format';

describe('formatVram', () => {
  it('shows MiB from drivers in GiB the way cards are sold', () => {
    expect(formatVram(81920)).toBe('80 GiB');
    expect(formatVram(24564)).toBe('24 GiB');
    expect(formatVram(40536)).toBe('39.6 GiB');
    expect(formatVram(11264)).toBe('11 GiB');
    expect(formatVram(143771)).toBe('140 GiB');
    expect(formatVram(512)).toBe('512 MiB');
  });

  it('shows a dash for an unreported value', () => {
    expect(formatVram(null)).toBe(MISSING);
    expect(formatVram(undefined)).toBe(MISSING);
  });

  it('shows used of total with the unit once', () => {
    expect(formatVramUsage(3277, 81920)).toBe('3.2 / 80 GiB');
    expect(formatVramUsage(null, 81920)).toBe('— / 80 GiB');
    expect(formatVramUsage(3277, null)).toBe('3.2 GiB');
    expect(formatVramUsage(0, 81920)).toBe('0 / 80 GiB');
  });
});

describe('formatBytes', () => {
  it('uses binary units', () => {
    expect(formatBytes(64 * 1024 ** 3)).toBe('64 GiB');
    expect(formatBytes(2 * 1024 ** 4)).toBe('2 TiB');
    expect(formatBytes(1.5 * 1024 ** 3)).toBe('1.5 GiB');
    expect(formatBytes(512 * 1024 ** 2)).toBe('512 MiB');
    expect(formatBytes(null)).toBe(MISSING);
  });
});

describe('power and percent', () => {
  it('rounds watts, keeps a decimal for small draws', () => {
    expect(formatWatts(249.7)).toBe('250 W');
    expect(formatWatts(4.25)).toBe('4.3 W');
    expect(formatWatts(null)).toBe(MISSING);
    expect(formatPowerOfLimit(212.4, 300)).toBe('212 / 300 W');
    expect(formatPowerOfLimit(null, 300)).toBe('— / 300 W');
    expect(formatPowerOfLimit(null, null)).toBe(MISSING);
    expect(formatPowerOfLimit(90, null)).toBe('90 W');
    expect(formatPercent(99.6)).toBe('100 %');
    expect(formatPercent(null)).toBe(MISSING);
  });
});

describe('formatPcie', () => {
  const link = (generation: number | null, linkWidth: number | null, maxGeneration: number | null, maxLinkWidth: number | null) => ({
    generation,
    linkWidth,
    maxGeneration,
    maxLinkWidth,
  });

  it('shows one link when running at its maximum', () => {
    expect(formatPcie(link(4, 16, 4, 16))).toBe('Gen 4 ×16');
  });

  it('shows the maximum beside an idle, downclocked link', () => {
    expect(formatPcie(link(1, 16, 4, 16))).toBe('Gen 1 ×16 (max Gen 4 ×16)');
  });

  it('copes with missing parts', () => {
    expect(formatPcie(link(null, null, null, null))).toBe(MISSING);
    expect(formatPcie(link(null, null, 3, 16))).toBe('max Gen 3 ×16');
    expect(formatPcie(link(3, null, null, null))).toBe('Gen 3');
  });
});

describe('names and ids', () => {
  it('shortens a GPU UUID to something you can tell apart', () => {
    expect(shortenUuid('GPU-7e4e2a7c-3f4d-8f1c-2b3c-0a1b2c3d9f3e')).toBe('GPU-7e4e2a7c…9f3e');
    expect(shortenUuid('0x1234')).toBe('0x1234');
  });

  it('names vendors and counts', () => {
    expect(vendorLabel('nvidia')).toBe('NVIDIA');
    expect(vendorLabel('amd')).toBe('AMD');
    expect(formatCount(1, 'process', 'processes')).toBe('1 process');
    expect(formatCount(3, 'process', 'processes')).toBe('3 processes');
    expect(formatCount(0, 'disk')).toBe('0 disks');
  });
});
