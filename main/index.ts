import { join } from 'node:path';
import { app, ipcMain, safeStorage } from 'electron';
import type { BrowserWindow } from 'electron';
import { DisposableStore } from '../common/lifecycle';
import { createAppServices } from './app/app-services';
import { chooseDesktopKeyProtection } from './wallet/safe-storage-key-protection';
import type { AppServices } from './app/app-services';
import { createSecureWindow, denyAllPermissions, lockDownWebContents } from './desktop/secure-window';
import { createNativeConfirmationPrompt } from './desktop/native-confirmation-prompt';
import { createTray } from './desktop/tray';
import type { SupplierTray } from './desktop/tray';
import { ApiDispatcher } from './transport/api-dispatcher';
import { registerIpcTransport } from './transport/ipc-transport';
import { createTrustedSenderCheck } from './transport/trusted-sender';

// Desktop entry: windows, tray and the IPC transport. Services come from the same
// composition root as the headless entry.
app.enableSandbox();

const rendererFile = join(__dirname, '../renderer/index.html');
const devServerUrl = app.isPackaged ? undefined : process.env.ELECTRON_RENDERER_URL;
const isTrustedUrl = createTrustedSenderCheck({ rendererFile, devServerUrl });

let services: AppServices | null = null;
let mainWindow: BrowserWindow | null = null;
// Held at module level: a Tray that is only a local is garbage-collected and vanishes.
let tray: SupplierTray | null = null;
let quitting = false;
/** The tray's listeners on the services, released before the services stop. */
const trayListeners = new DisposableStore({ name: 'tray' });

function showWindow(): void {
  if (mainWindow && !mainWindow.isDestroyed()) {
    mainWindow.show();
    mainWindow.focus();
    return;
  }
  const win = createSecureWindow(join(__dirname, '../preload/index.js'));
  mainWindow = win;
  // Closing the window keeps the app in the tray: a supplier's GPU keeps working.
  win.on('close', (event) => {
    if (!quitting) {
      event.preventDefault();
      win.hide();
    }
  });
  if (devServerUrl) void win.loadURL(devServerUrl);
  else void win.loadFile(rendererFile);
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', showWindow);
  app.on('web-contents-created', (_event, contents) => lockDownWebContents(contents, (url) => isTrustedUrl(url), (url) => services?.access.forwards.list().some((f) => new URL(url).port === String(f.localPort)) ?? false));
  app.on('before-quit', () => {
    quitting = true;
    tray?.destroy();
    tray = null;
  });
  app.on('will-quit', (event) => {
    if (!services) return;
    // Stop children (nvidia-smi) and close the databases before the process ends.
    event.preventDefault();
    const s = services;
    services = null;
    void trayListeners.dispose();
    void s.stop().finally(() => app.quit());
  });

  // Files the app makes (exports, diagnostics, anything a library creates) are the user's
  // alone; the data dir itself is checked and repaired by createAppServices.
  process.umask(0o077);
  void app.whenReady().then(() => {
    denyAllPermissions();
    const dataDir = app.getPath('userData');
    // Wallet keys sealed by the OS keychain; a passphrase where there is no real keychain.
    const keyProtection = chooseDesktopKeyProtection(safeStorage, { file: join(dataDir, 'wallets', 'passphrase.json') });
    // Confirmations are approved in a main-process dialog, never through the API (issue 14.2).
    services = createAppServices({ shell: 'desktop', dataDir, version: app.getVersion(), keyProtection, confirmationPrompt: createNativeConfirmationPrompt() });
    registerIpcTransport({ ipcMain, dispatcher: new ApiDispatcher(services.handlers, services.logger.child({ scope: 'api' })), events: services.events, isTrustedUrl });
    const s = services;
    const applyLoginItem = (openAtLogin: boolean) => app.setLoginItemSettings({ openAtLogin });
    tray = createTray(join(__dirname, '../../resources/tray.png'), {
      open: showWindow,
      quit: () => app.quit(),
      startSharing: () => void Promise.resolve(s.handlers['lend:start-sharing']({})).catch(() => showWindow()),
      stopSharing: () => void s.handlers['lend:stop-sharing']({ stopRunning: false }),
      setStartOnLogin: (enabled) => void s.settings.update({ startOnLogin: enabled }),
    });
    // The tray follows the supplier's status and the settings; notices become notifications.
    const redraw = () => tray?.update(s.supplier.session.status(), { startOnLogin: s.settings.get().startOnLogin, token: { symbol: s.wallet.network.info().token, decimals: s.wallet.network.info().decimals } });
    s.supplier.onDidChangeStatus(redraw, trayListeners);
    s.supplier.onDidChangeEarnings(redraw, trayListeners);
    s.settings.onDidChange((next) => {
      applyLoginItem(next.startOnLogin);
      redraw();
    }, trayListeners);
    s.supplier.onNotice((notice) => tray?.notify(notice), trayListeners);
    applyLoginItem(s.settings.get().startOnLogin);
    showWindow();
    void services.start();
    app.on('activate', showWindow);
  });
}
