import { BrowserWindow, session, shell } from 'electron';
import type { WebContents } from 'electron';
import { createNavigationPolicy } from './navigation-policy';

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
      // A middle click on a link would otherwise open it in a new window (Electronegativity AUXCLICK_JS_CHECK).
      disableBlinkFeatures: 'Auxclick',
    },
  });
  win.once('ready-to-show', () => win.show());
  return win;
}

/**
 * Applied to every web contents the app ever creates, including ones we did not expect:
 * navigation, server redirects and sub-frame navigations stay on the app (the policy in
 * navigation-policy.ts), no <webview>, no new windows.
 */
export function lockDownWebContents(contents: WebContents, isAppUrl: (url: string) => boolean, isOpenForward?: (url: string) => boolean): void {
  const policy = createNavigationPolicy(isAppUrl, isOpenForward);
  contents.on('will-navigate', (event) => {
    if (!policy.mainFrame(event.url)) event.preventDefault();
  });
  // A redirect is not a navigation Electron reports through will-navigate: a 302 from an
  // allowed URL could otherwise land the window anywhere.
  contents.on('will-redirect', (event) => {
    if (!policy.frame(event.url, event.isMainFrame)) event.preventDefault();
  });
  contents.on('will-frame-navigate', (event) => {
    if (!policy.frame(event.url, event.isMainFrame)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    const external = policy.externalLink(url);
    if (external) void shell.openExternal(external);
    return { action: 'deny' };
  });
}

export function denyAllPermissions(): void {
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
}
