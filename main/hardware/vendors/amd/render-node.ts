import { readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Where the kernel's devices are seen; tests point both at a temp dir. */
export interface AmdDevicePaths {
  /** sysfs root, `/sys` on a real machine. */
  sysfsRoot: string;
  /** Where device nodes live on the host, `/dev` on a real machine. */
  devRoot: string;
}

export const HOST_DEVICE_PATHS: AmdDevicePaths = { sysfsRoot: '/sys', devRoot: '/dev' };

/**
 * The render node of the GPU at a PCI address, e.g. "0000:83:00.0" → "renderD128": the
 * kernel lists a GPU's DRM nodes under /sys/bus/pci/devices/<address>/drm. rocm-smi's card
 * numbers are not the render nodes' numbers (renderD128 is not always card0), so the bus
 * id is the only safe link. Null when the address or the node is not there.
 */
export function renderNodeName(busId: string | null, paths: AmdDevicePaths): string | null {
  if (!busId) return null;
  try {
    const entries = readdirSync(join(paths.sysfsRoot, 'bus', 'pci', 'devices', busId.toLowerCase(), 'drm'));
    return entries.filter((e) => /^renderD\d+$/.test(e)).sort()[0] ?? null;
  } catch {
    return null;
  }
}
