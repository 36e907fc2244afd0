import { createStore } from 'zustand/vanilla';
import type { StoreApi } from 'zustand/vanilla';
import type { ApiClient } from '../../../common/api/client';
import type { HardwareSnapshot } from '../../../common/hardware/detection';
import { errorMessage } from './error-message';
import { startOnce } from './start-once';

export interface HardwareStoreState {
  snapshot: HardwareSnapshot | null;
  /** True until the first snapshot (or failure). */
  loading: boolean;
  /** True while "Detect again" runs: it spawns nvidia-smi and can take seconds. */
  detecting: boolean;
  error: string | null;

  start(): () => void;
  load(): Promise<void>;
  detect(): Promise<void>;
}

export type HardwareStore = StoreApi<HardwareStoreState>;

export function createHardwareStore(client: ApiClient): HardwareStore {
  return createStore<HardwareStoreState>()((set, get) => ({
    snapshot: null,
    loading: true,
    detecting: false,
    error: null,

    start: startOnce(() => {
      // Main pushes a snapshot after every detection, including ones another window
      // or the tray started; the store just takes the newest.
      const off = client.subscribe('hardware:snapshot', (snapshot) => {
        set({ snapshot: newer(get().snapshot, snapshot), loading: false, error: null });
      });
      void get().load();
      return [off];
    }),

    async load() {
      try {
        const snapshot = await client.call('hardware:snapshot', {});
        set({ snapshot: newer(get().snapshot, snapshot), loading: false, error: null });
      } catch (error) {
        set({ loading: false, error: errorMessage(error) });
      }
    },

    async detect() {
      if (get().detecting) return;
      set({ detecting: true, error: null });
      try {
        const snapshot = await client.call('hardware:detect', {});
        set({ snapshot: newer(get().snapshot, snapshot), detecting: false, loading: false });
      } catch (error) {
        set({ detecting: false, error: errorMessage(error) });
      }
    },
  }));
}

/** A late answer to an older request must not replace a newer snapshot from an event. */
function newer(current: HardwareSnapshot | null, incoming: HardwareSnapshot): HardwareSnapshot {
  if (current && current.detectedAtMs > incoming.detectedAtMs) return current;
  return incoming;
}
