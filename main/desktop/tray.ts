import { Menu, Notification, Tray, nativeImage } from 'electron';
import type { MenuItemConstructorOptions, NativeImage } from 'electron';
import type { LendNotice, SupplierStatus } from '../../common/market/lend-types';
import type { TokenUnit } from '../../common/money/token';
import { PAYMENT_TOKEN } from '../../common/money/token-registry';
import { trayBitmap, trayModel } from './tray-model';
import type { TrayIconKind, TrayMenuItem } from './tray-model';

export interface TrayActions {
  open: () => void;
  quit: () => void;
  startSharing: () => void;
  stopSharing: () => void;
  setStartOnLogin: (enabled: boolean) => void;
}

export interface SupplierTray {
  readonly tray: Tray;
  /** Redraws icon, tooltip and menu for a new status or setting. */
  update(status: SupplierStatus | null, options: { startOnLogin: boolean; token: TokenUnit }): void;
  /** A desktop notification for a lend notice (job started/ended, payment, heat). */
  notify(notice: LendNotice): void;
  destroy(): void;
}

const ICON_SIZE = 32;

/** The tray icon, its menu and notifications; what they show comes from trayModel (tested without Electron). */
export function createTray(iconPath: string, actions: TrayActions): SupplierTray {
  const base = nativeImage.createFromPath(iconPath);
  const basePixels = base.isEmpty() ? undefined : new Uint8Array(base.resize({ width: ICON_SIZE, height: ICON_SIZE }).toBitmap());
  const icons = new Map<TrayIconKind, NativeImage>();
  const iconFor = (kind: TrayIconKind): NativeImage => {
    let icon = icons.get(kind);
    if (!icon) {
      icon = nativeImage.createFromBitmap(Buffer.from(trayBitmap(kind, ICON_SIZE, basePixels)), { width: ICON_SIZE, height: ICON_SIZE });
      icons.set(kind, icon);
    }
    return icon;
  };
  const tray = new Tray(iconFor('idle'));
  tray.on('click', actions.open);

  const toTemplate = (item: TrayMenuItem): MenuItemConstructorOptions => {
    switch (item.kind) {
      case 'separator':
        return { type: 'separator' };
      case 'info':
        return { label: item.label, enabled: false };
      case 'toggle':
        return { label: item.label, type: 'checkbox', checked: item.checked, click: (menuItem) => actions.setStartOnLogin(menuItem.checked) };
      case 'action': {
        const click = { open: actions.open, 'start-sharing': actions.startSharing, 'stop-sharing': actions.stopSharing, quit: actions.quit }[item.id];
        return { label: item.label, enabled: item.enabled, click };
      }
    }
  };

  const supplierTray: SupplierTray = {
    tray,
    update(status, options) {
      const model = trayModel(status, options);
      tray.setImage(iconFor(model.icon));
      tray.setToolTip(model.tooltip);
      tray.setContextMenu(Menu.buildFromTemplate(model.menu.map(toTemplate)));
    },
    notify(notice) {
      if (!Notification.isSupported()) return;
      const n = new Notification({ title: notice.title, body: notice.body, silent: notice.kind === 'payment' });
      n.on('click', actions.open);
      n.show();
    },
    destroy() {
      tray.destroy();
    },
  };
  supplierTray.update(null, { startOnLogin: false, token: PAYMENT_TOKEN });
  return supplierTray;
}
