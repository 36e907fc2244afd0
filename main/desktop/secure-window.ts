import { BrowserWindow, session, shell } from 'electron';
import type { WebContents } from 'electron';

/**
 * The app's window, locked down per the Electron security checklist:
 * context isolation, the renderer sandbox, no Node integration, no navigation away
 * from the app, no new windows (links open in the system browser if they are https),
 * and every permission request (camera, notifications from pages, …) denied.
 * The CSP is a meta tag in renderer/index.html, the same one the headless server sends.
 */
export function createSecureWindow(preloadPath: string): BrowserWindow {
  const win = new BrowserWindow({
    width: 1280,
    height: 820,
    minWidth: 900,
    minHeight: 600,
    show: false,
    title: 'Idlegrid',
    backgroundColor: '#0f1115',
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webviewTag: false,
      spellcheck: false,
    },
  });
  win.once('ready-to-show', () => win.show());
  return win;
}

/** Applied to every web contents the app ever creates, including ones we did not expect. */
export function lockDownWebContents(contents: WebContents, isAppUrl: (url: string) => boolean): void {
  contents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    if (url.startsWith('https://')) void shell.openExternal(url);
    return { action: 'deny' };
  });
}

export function denyAllPermissions(): void {
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
}
