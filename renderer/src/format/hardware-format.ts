import type { GpuPcie, GpuVendor } from '../../../common/hardware/gpu';
import { GPU_VENDORS } from '../../../common/hardware/gpu';

/**
 * Formatters for hardware values. A value the driver did not report is `null` in the
 * contract and reads as an em dash here: never a guess, never "0".
 */
export const MISSING = '—';

const MIB_PER_GIB = 1024;
const BYTES_PER_GIB = 1024 ** 3;
const BYTES_PER_TIB = 1024 ** 4;

/** Drops a trailing ".0" so 80 GiB does not read as 80.0 GiB. */
function trimFixed(value: number, digits: number): string {
  const text = value.toFixed(digits);
  return text.includes('.') ? text.replace(/\.?0+$/, '') : text;
}

/**
 * VRAM in GiB. Drivers report MiB that are a little under the marketing size
 * (24564 MiB on a "24 GB" card), so one decimal is enough and it rounds to what
 * people recognise.
 */
export function formatVram(mib: number | null | undefined): string {
  if (mib === null || mib === undefined || !Number.isFinite(mib)) return MISSING;
  const gib = mib / MIB_PER_GIB;
  if (gib < 1) return `${Math.round(mib)} MiB`;
  return `${trimFixed(gib, gib >= 100 ? 0 : 1)} GiB`;
}

/** "3.2 / 80 GiB": used of total, with the unit once; "— / 80 GiB" when use is unknown. */
export function formatVramUsage(usedMiB: number | null | undefined, totalMiB: number | null | undefined): string {
  if (totalMiB === null || totalMiB === undefined) return formatVram(usedMiB);
  if (usedMiB === null || usedMiB === undefined) return `${MISSING} / ${formatVram(totalMiB)}`;
  const total = formatVram(totalMiB);
  if (totalMiB < MIB_PER_GIB) return `${Math.round(usedMiB)} / ${total}`;
  const usedGib = usedMiB / MIB_PER_GIB;
  return `${trimFixed(usedGib, usedGib >= 100 ? 0 : 1)} / ${total}`;
}

/** RAM and disk sizes in binary units, like the OS tools people compare with. */
export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes) || bytes < 0) return MISSING;
  if (bytes >= BYTES_PER_TIB) return `${trimFixed(bytes / BYTES_PER_TIB, 1)} TiB`;
  if (bytes >= BYTES_PER_GIB) {
    const gib = bytes / BYTES_PER_GIB;
    return `${trimFixed(gib, gib >= 100 ? 0 : 1)} GiB`;
  }
  if (bytes >= 1024 ** 2) return `${Math.round(bytes / 1024 ** 2)} MiB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KiB`;
  return `${Math.round(bytes)} B`;
}

export function formatWatts(watts: number | null | undefined): string {
  if (watts === null || watts === undefined || !Number.isFinite(watts)) return MISSING;
  return watts < 10 ? `${trimFixed(watts, 1)} W` : `${Math.round(watts)} W`;
}

/** "212 / 300 W"; "— / 300 W" when the draw is unknown, so a limit never reads as a draw. */
export function formatPowerOfLimit(drawW: number | null | undefined, limitW: number | null | undefined): string {
  if (drawW === null || drawW === undefined) {
    return limitW === null || limitW === undefined ? MISSING : `${MISSING} / ${formatWatts(limitW)}`;
  }
  if (limitW === null || limitW === undefined) return formatWatts(drawW);
  return `${Math.round(drawW)} / ${Math.round(limitW)} W`;
}

export function formatPercent(pct: number | null | undefined): string {
  if (pct === null || pct === undefined || !Number.isFinite(pct)) return MISSING;
  return `${Math.round(pct)} %`;
}

export function formatMHz(mhz: number | null | undefined): string {
  if (mhz === null || mhz === undefined || !Number.isFinite(mhz)) return MISSING;
  return `${Math.round(mhz)} MHz`;
}

function formatLink(generation: number | null, width: number | null): string | null {
  if (generation === null && width === null) return null;
  const gen = generation === null ? 'Gen ?' : `Gen ${generation}`;
  return width === null ? gen : `${gen} ×${width}`;
}

/**
 * "Gen 4 ×16". An idle GPU drops its link to Gen 1 to save power, so when the current
 * link is below the maximum both are shown; otherwise the card looks misconfigured.
 */
export function formatPcie(pcie: GpuPcie): string {
  const current = formatLink(pcie.generation, pcie.linkWidth);
  const max = formatLink(pcie.maxGeneration, pcie.maxLinkWidth);
  if (current === null) return max === null ? MISSING : `max ${max}`;
  if (max === null || max === current) return current;
  return `${current} (max ${max})`;
}

/**
 * "GPU-1a2b3c4d…9f3e": enough to tell eight GPUs apart at a glance; the full id goes
 * in a tooltip and the copy button.
 */
export function shortenUuid(uuid: string): string {
  if (uuid.length <= 18) return uuid;
  const prefix = uuid.startsWith('GPU-') ? 12 : 8;
  return `${uuid.slice(0, prefix)}…${uuid.slice(-4)}`;
}

export function vendorLabel(vendor: GpuVendor): string {
  return GPU_VENDORS[vendor].label;
}

export function formatCount(count: number, singular: string, plural = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : plural}`;
}
