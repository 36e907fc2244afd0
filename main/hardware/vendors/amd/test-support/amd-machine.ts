import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AmdDevicePaths } from '../render-node';

/**
 * The kernel's side of the replayed 4× MI100 machine (fixtures/gpu/rocm-smi.mi100-x4.rocm602.json),
 * laid out in a temp dir: sysfs links each card's PCI address to its DRM nodes, and /dev
 * holds kfd and the render nodes. The render numbers deliberately do not follow rocm-smi's
 * card order (as on real multi-GPU hosts), and card 3 has no DRM node (driver not bound),
 * so only the bus id leads to the right node.
 */
export const MI100_RENDER_NODES: ReadonlyArray<{ busId: string; render: string | null }> = [
  { busId: '0000:83:00.0', render: 'renderD129' },
  { busId: '0000:a3:00.0', render: 'renderD128' },
  { busId: '0000:c3:00.0', render: 'renderD130' },
  { busId: '0000:e3:00.0', render: null },
];

/**
 * Makes `<dir>/sys` and `<dir>/dev`. With `deviceNodes`, the /dev entries are real
 * character devices (made with mknod as the null device, 1:3, so Docker can map them
 * and a container can open them; needs root); otherwise empty files.
 */
export function makeAmdMachine(dir: string, options: { deviceNodes?: boolean } = {}): AmdDevicePaths {
  const paths = { sysfsRoot: join(dir, 'sys'), devRoot: join(dir, 'dev') };
  mkdirSync(join(paths.devRoot, 'dri'), { recursive: true });
  const node = (path: string) => {
    if (options.deviceNodes) execFileSync('mknod', ['-m', '666', path, 'c', '1', '3']);
    else writeFileSync(path, '');
  };
  node(join(paths.devRoot, 'kfd'));
  MI100_RENDER_NODES.forEach(({ busId, render }, card) => {
    const device = join(paths.sysfsRoot, 'bus', 'pci', 'devices', busId);
    mkdirSync(device, { recursive: true });
    if (!render) return;
    mkdirSync(join(device, 'drm', `card${card}`), { recursive: true });
    mkdirSync(join(device, 'drm', render));
    node(join(paths.devRoot, 'dri', render));
  });
  return paths;
}
