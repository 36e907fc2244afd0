import { createStore } from 'zustand/vanilla';
import type { StoreApi } from 'zustand/vanilla';
import type { ApiClient } from '../../../common/api/client';
import type { AppInfo, DiagnosticsExport } from '../../../common/api/app';
import { errorMessage } from './error-message';
import { startOnce } from './start-once';

/**
 * `connecting` until the transport says anything. The desktop IPC transport has no
 * connection to lose (no `onConnectionChange`) and counts as connected at once.
 */
export type ConnectionState = 'connecting' | 'connected' | 'disconnected';

export interface AppStoreState {
  info: AppInfo | null;
  infoError: string | null;
  connection: ConnectionState;
  /** Settings → About "Export diagnostics": busy while the file is built, then what happened. */
  diagnostics: { busy: boolean; error: string | null };

  start(): () => void;
  loadInfo(): Promise<void>;
  /** The diagnostics file to save, or null when building it failed (the error is in `diagnostics`). */
  exportDiagnostics(): Promise<DiagnosticsExport | null>;
}

export type AppStore = StoreApi<AppStoreState>;

export interface AppStoreOptions {
  /**
   * How long "connecting" may last before the banner says the connection is down. The
   * WebSocket client only reports changes, so a server that is down when the page
   * opens would otherwise never be reported at all.
   */
  connectingGraceMs?: number;
}

export function createAppStore(client: ApiClient, options: AppStoreOptions = {}): AppStore {
  const graceMs = options.connectingGraceMs ?? 4000;
  return createStore<AppStoreState>()((set, get) => ({
    info: null,
    infoError: null,
    connection: client.onConnectionChange ? 'connecting' : 'connected',
    diagnostics: { busy: false, error: null },

    start: startOnce(() => {
      let offConnection = () => {};
      let graceTimer: ReturnType<typeof setTimeout> | null = null;
      if (client.onConnectionChange) {
        offConnection = client.onConnectionChange((connected) => {
          set({ connection: connected ? 'connected' : 'disconnected' });
        });
        graceTimer = setTimeout(() => {
          if (get().connection === 'connecting') set({ connection: 'disconnected' });
        }, graceMs);
      }
      void get().loadInfo();
      return [offConnection, () => graceTimer && clearTimeout(graceTimer)];
    }),

    async loadInfo() {
      try {
        const info = await client.call('app:info', {});
        // An answer proves the link works, whatever the transport said before.
        set((s) => ({ info, infoError: null, connection: s.connection === 'connecting' ? 'connected' : s.connection }));
      } catch (error) {
        set({ infoError: errorMessage(error) });
      }
    },

    async exportDiagnostics() {
      if (get().diagnostics.busy) return null;
      set({ diagnostics: { busy: true, error: null } });
      try {
        const file = await client.call('app:export-diagnostics', {});
        set({ diagnostics: { busy: false, error: null } });
        return file;
      } catch (error) {
        set({ diagnostics: { busy: false, error: errorMessage(error) } });
        return null;
      }
    },
  }));
}
