import { createStore } from 'zustand/vanilla';
import type { StoreApi } from 'zustand/vanilla';
import type { ApiClient } from '../../../common/api/client';
import type { ExplorerOverview } from '../../../common/market/market-hub-types';
import { errorMessage } from './error-message';

export const EXPLORER_POLL_MS = 5_000;
export const EXPLORER_PAYMENTS = 20;

/**
 * The network at a glance, from the hub's stats. The hub sends no events for these, so
 * the Explorer view polls while it is shown (`watch`), and nothing runs when it is not.
 */
export interface ExplorerStoreState {
  overview: ExplorerOverview | null;
  loading: boolean;
  error: string | null;
  lastLoadedAtMs: number | null;

  load(): Promise<void>;
  /** Loads now and every `intervalMs` until the returned function is called. */
  watch(intervalMs?: number): () => void;
}

export type ExplorerStore = StoreApi<ExplorerStoreState>;

export function createExplorerStore(client: ApiClient, now: () => number = Date.now): ExplorerStore {
  return createStore<ExplorerStoreState>()((set, get) => {
    let watchers = 0;
    let timer: ReturnType<typeof setInterval> | null = null;
    let inFlight = false;

    return {
      overview: null,
      loading: true,
      error: null,
      lastLoadedAtMs: null,

      async load() {
        // A slow hub must not pile up requests behind the poll.
        if (inFlight) return;
        inFlight = true;
        try {
          const overview = await client.call('explorer:overview', { payments: EXPLORER_PAYMENTS });
          set({ overview, loading: false, error: null, lastLoadedAtMs: now() });
        } catch (error) {
          // The last overview stays on screen under the error: stale numbers beat none.
          set({ loading: false, error: errorMessage(error) });
        } finally {
          inFlight = false;
        }
      },

      watch(intervalMs = EXPLORER_POLL_MS) {
        watchers += 1;
        if (watchers === 1) {
          void get().load();
          timer = setInterval(() => void get().load(), intervalMs);
        }
        let stopped = false;
        return () => {
          if (stopped) return;
          stopped = true;
          watchers -= 1;
          if (watchers === 0 && timer) {
            clearInterval(timer);
            timer = null;
          }
        };
      },
    };
  });
}
