import type { SupplierState, SupplierStatus } from '../../common/market/lend-types';
import { displayAmount } from '../../common/money/display-amount';
import type { TokenUnit } from '../../common/money/token';

export type TrayIconKind = 'idle' | 'sharing' | 'running' | 'paused-hot' | 'error';

export type TrayMenuItem =
  | { kind: 'action'; id: 'open' | 'start-sharing' | 'stop-sharing' | 'quit'; label: string; enabled: boolean }
  | { kind: 'toggle'; id: 'start-on-login'; label: string; checked: boolean }
  | { kind: 'info'; label: string }
  | { kind: 'separator' };

export interface TrayModel {
  icon: TrayIconKind;
  tooltip: string;
  menu: TrayMenuItem[];
}

const ICON_BY_STATE: Record<SupplierState, TrayIconKind> = {
  off: 'idle',
  connecting: 'sharing',
  sharing: 'sharing',
  running: 'running',
  'paused-hot': 'paused-hot',
  error: 'error',
};

/** Base units → "1.25 USDC": the tray shows 2 decimals, rounded down (never more than was earned). */
export function formatTrayAmount(baseUnits: string, token: TokenUnit): string {
  // The same figure as Lend's "Earned today" (common/money/display-amount.ts).
  return displayAmount({ token, baseUnits: BigInt(baseUnits) }).text;
}

/**
 * What the tray shows for the supplier's status: the icon, the tooltip and the menu. Pure,
 * so it is tested without Electron; tray.ts only draws it.
 */
export function trayModel(status: SupplierStatus | null, options: { startOnLogin: boolean; token: TokenUnit }): TrayModel {
  const state: SupplierState = status?.state ?? 'off';
  const today = `Today: ${formatTrayAmount(status?.todayEarned ?? '0', options.token)}`;
  const firstLine = status?.message ?? 'Starting…';
  const sharing = status?.sharingEnabled ?? false;
  return {
    icon: ICON_BY_STATE[state],
    tooltip: `Idlegrid — ${firstLine}\n${today}`.slice(0, 127),
    menu: [
      { kind: 'action', id: 'open', label: 'Open Idlegrid', enabled: true },
      { kind: 'separator' },
      sharing
        ? { kind: 'action', id: 'stop-sharing', label: 'Stop sharing', enabled: status !== null }
        : { kind: 'action', id: 'start-sharing', label: 'Start sharing', enabled: status !== null },
      { kind: 'info', label: today },
      { kind: 'separator' },
      { kind: 'toggle', id: 'start-on-login', label: 'Start on login', checked: options.startOnLogin },
      { kind: 'separator' },
      { kind: 'action', id: 'quit', label: 'Quit', enabled: true },
    ],
  };
}

/** The RGBA colour of each state's dot on the tray icon. */
export const TRAY_DOT_COLOURS: Record<TrayIconKind, [number, number, number]> = {
  idle: [140, 140, 140],
  sharing: [46, 160, 220],
  running: [40, 180, 90],
  'paused-hot': [240, 140, 20],
  error: [220, 50, 50],
};

/**
 * A square RGBA bitmap of `size` px: the app's icon pixels (when given) with a state dot in
 * the lower right corner, so the state shows at a glance without separate image files.
 */
export function trayBitmap(kind: TrayIconKind, size: number, base?: Uint8Array): Uint8Array {
  const pixels = base && base.length === size * size * 4 ? Uint8Array.from(base) : new Uint8Array(size * size * 4);
  const [r, g, b] = TRAY_DOT_COLOURS[kind];
  const radius = size * 0.22;
  const cx = size - radius - 0.5;
  const cy = size - radius - 0.5;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const d = Math.hypot(x - cx, y - cy);
      if (d > radius + 1) continue;
      const i = (y * size + x) * 4;
      // An outline one pixel wide keeps the dot visible on light and dark panels.
      const edge = d > radius;
      pixels[i] = edge ? 255 : r;
      pixels[i + 1] = edge ? 255 : g;
      pixels[i + 2] = edge ? 255 : b;
      pixels[i + 3] = 255;
    }
  }
  return pixels;
}
