import { createStore } from 'zustand/vanilla';
import type { StoreApi } from 'zustand/vanilla';
import type { ApiClient } from '../../../common/api/client';
import type { EarningRow, EarningsCsv, EarningsSummary, ReconcileReport } from '../../../common/market/earnings-types';
import { errorMessage } from './error-message';
import { busyAction } from './busy-action';
import { startOnce } from './start-once';

/** Days the chart covers. */
export const EARNINGS_DAYS = 30;
/** Payments listed in the table (main keeps all of them; the CSV has every row). */
export const EARNINGS_ROWS = 200;

/**
 * What lending earned: totals per period, a day-by-day series for the chart, the
 * payment rows with their signatures, and the last reconcile against the chain.
 * `earnings:changed` (a payment verified, GPU-seconds grew) reloads it.
 */
export interface EarningsStoreState {
  summary: EarningsSummary | null;
  rows: EarningRow[];
  loading: boolean;
  error: string | null;
  busy: 'export' | 'reconcile' | null;
  reconcile: ReconcileReport | null;

  start(): () => void;
  load(): Promise<void>;
  /** The CSV main built, or null on failure (see `error`). */
  exportCsv(): Promise<EarningsCsv | null>;
  runReconcile(): Promise<ReconcileReport | null>;
  dismissError(): void;
}

export type EarningsStore = StoreApi<EarningsStoreState>;

export function createEarningsStore(client: ApiClient): EarningsStore {
  return createStore<EarningsStoreState>()((set, get) => {
    // A burst of changes (each second of a running lease) needs one reload, not a queue.
    let loading: Promise<void> | null = null;
    let again = false;

    const act = busyAction<'export' | 'reconcile'>(set);

    async function loadNow(): Promise<void> {
      try {
        const [summary, rows] = await Promise.all([
          client.call('earnings:summary', { days: EARNINGS_DAYS }),
          client.call('earnings:list', { limit: EARNINGS_ROWS }),
        ]);
        set({ summary, rows, loading: false, error: null });
      } catch (error) {
        set({ loading: false, error: errorMessage(error) });
      }
    }

    return {
      summary: null,
      rows: [],
      loading: true,
      error: null,
      busy: null,
      reconcile: null,

      start: startOnce(() => {
        const off = client.subscribe('earnings:changed', () => void get().load());
        void get().load();
        return [off];
      }),

      load() {
        if (loading) {
          again = true;
          return loading;
        }
        loading = (async () => {
          do {
            again = false;
            await loadNow();
          } while (again);
          loading = null;
        })();
        return loading;
      },

      exportCsv: () => act('export', () => client.call('earnings:export-csv', {})),

      async runReconcile() {
        const report = await act('reconcile', () => client.call('earnings:reconcile', {}));
        if (report) {
          set({ reconcile: report });
          await get().load();
        }
        return report;
      },

      dismissError() {
        set({ error: null });
      },
    };
  });
}
