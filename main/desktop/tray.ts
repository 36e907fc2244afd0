import { Menu, Tray, nativeImage } from 'electron';

/** The tray icon and its menu; later features add sharing state and earnings here. */
export function createTray(iconPath: string, actions: { open: () => void; quit: () => void }): Tray {
  const icon = nativeImage.createFromPath(iconPath);
  const tray = new Tray(icon.isEmpty() ? nativeImage.createEmpty() : icon);
  tray.setToolTip('Idlegrid');
  tray.setContextMenu(
    Menu.buildFromTemplate([
      { label: 'Open Idlegrid', click: actions.open },
      { type: 'separator' },
      { label: 'Quit', click: actions.quit },
    ]),
  );
  tray.on('click', actions.open);
  return tray;
}
