import { createStore } from 'zustand/vanilla';
import type { StoreApi } from 'zustand/vanilla';
import type { ApiClient } from '../../../common/api/client';
import type { Settings, SettingsPatch } from '../../../common/settings';
import { errorMessage } from './error-message';
import { startOnce } from './start-once';

export interface SettingsStoreState {
  /** null until loaded; views that only need a unit fall back to DEFAULT_SETTINGS. */
  settings: Settings | null;
  loading: boolean;
  /** Fields with a change on its way to main, to show a quiet "Saving…". */
  saving: ReadonlyArray<keyof Settings>;
  /** The last failed load or update, shown above the form. */
  error: string | null;

  start(): () => void;
  load(): Promise<void>;
  /** Applies the change at once and rolls it back if main refuses it. */
  update(patch: SettingsPatch): Promise<boolean>;
  dismissError(): void;
}

export type SettingsStore = StoreApi<SettingsStoreState>;

export function createSettingsStore(client: ApiClient): SettingsStore {
  return createStore<SettingsStoreState>()((set, get) => ({
    settings: null,
    loading: true,
    saving: [],
    error: null,

    start: startOnce(() => {
      const off = client.subscribe('settings:changed', (settings) => set({ settings, loading: false }));
      void get().load();
      return [off];
    }),

    async load() {
      try {
        const settings = await client.call('settings:get', {});
        set({ settings, loading: false, error: null });
      } catch (error) {
        set({ loading: false, error: errorMessage(error) });
      }
    },

    async update(patch) {
      const before = get().settings;
      const fields = Object.keys(patch) as Array<keyof Settings>;
      // Optimistic: a theme switch that waits for a round trip feels broken.
      set((s) => ({
        settings: s.settings ? { ...s.settings, ...patch } : s.settings,
        saving: [...new Set([...s.saving, ...fields])],
        error: null,
      }));
      try {
        const settings = await client.call('settings:update', patch);
        set((s) => ({ settings, saving: s.saving.filter((f) => !fields.includes(f)) }));
        return true;
      } catch (error) {
        set((s) => ({
          // Put back only the fields this change touched; others may have changed since.
          settings: s.settings && before ? { ...s.settings, ...pick(before, fields) } : before,
          saving: s.saving.filter((f) => !fields.includes(f)),
          error: errorMessage(error),
        }));
        return false;
      }
    },

    dismissError() {
      set({ error: null });
    },
  }));
}

function pick(settings: Settings, fields: Array<keyof Settings>): Partial<Settings> {
  const out: Partial<Settings> = {};
  for (const f of fields) (out as Record<string, unknown>)[f] = settings[f];
  return out;
}
