import { createStore } from 'zustand/vanilla';
import type { StoreApi } from 'zustand/vanilla';
import type { ApiClient } from '../../../common/api/client';
import type { TelemetrySample } from '../../../common/hardware/gpu';
import type { TelemetryStatus } from '../../../common/hardware/detection';
import type { HistoryRange, TelemetrySeries } from '../../../common/hardware/history';
import { HISTORY_RANGES } from '../../../common/hardware/history';
import { errorMessage } from './error-message';
import { LIVE_WINDOW_MS, latestSamples, mergeSamples } from './telemetry-buffer';
import type { LiveBuffers } from './telemetry-buffer';
import { startOnce } from './start-once';

export interface TelemetryHistory {
  series: TelemetrySeries[] | null;
  loading: boolean;
  error: string | null;
  fetchedAtMs: number | null;
}

export interface TelemetryStoreState {
  status: TelemetryStatus | null;
  statusError: string | null;
  /** Last ten minutes per GPU, from `telemetry:recent` at start plus live events. */
  live: LiveBuffers;
  /** Newest sample per GPU; kept beside `live` so a card can select one stable object. */
  latest: Readonly<Record<string, TelemetrySample>>;
  /** True until the first `telemetry:recent` answer (or failure). */
  liveLoading: boolean;
  liveError: string | null;
  history: Readonly<Record<HistoryRange, TelemetryHistory>>;

  start(): () => void;
  ingest(samples: readonly TelemetrySample[]): void;
  loadRecent(): Promise<void>;
  loadStatus(): Promise<void>;
  loadHistory(range: HistoryRange): Promise<void>;
}

export type TelemetryStore = StoreApi<TelemetryStoreState>;

export interface TelemetryStoreOptions {
  windowMs?: number;
  now?: () => number;
}

const EMPTY_HISTORY: TelemetryHistory = { series: null, loading: false, error: null, fetchedAtMs: null };

export function createTelemetryStore(client: ApiClient, options: TelemetryStoreOptions = {}): TelemetryStore {
  const windowMs = options.windowMs ?? LIVE_WINDOW_MS;
  const now = options.now ?? (() => Date.now());
  // A newer request for the same range wins; an older answer that lands late is dropped.
  const historyRequest: Record<HistoryRange, number> = { '1h': 0, '24h': 0, '7d': 0 };

  const initialHistory = Object.fromEntries(HISTORY_RANGES.map((r) => [r, EMPTY_HISTORY])) as Record<
    HistoryRange,
    TelemetryHistory
  >;

  return createStore<TelemetryStoreState>()((set, get) => {
    function setHistory(range: HistoryRange, patch: Partial<TelemetryHistory>): void {
      set((s) => ({ history: { ...s.history, [range]: { ...s.history[range], ...patch } } }));
    }

    return {
      status: null,
      statusError: null,
      live: {},
      latest: {},
      liveLoading: true,
      liveError: null,
      history: initialHistory,

      start: startOnce(() => {
        // Subscribe before asking for the recent window, so no tick falls between the
        // two; the merge drops the ticks both of them carry.
        const offSamples = client.subscribe('telemetry:samples', (samples) => get().ingest(samples));
        const offStatus = client.subscribe('telemetry:status', (status) => set({ status, statusError: null }));
        void get().loadRecent();
        void get().loadStatus();
        return [offSamples, offStatus];
      }),

      ingest(samples) {
        if (samples.length === 0) return;
        const live = mergeSamples(get().live, samples, { windowMs });
        set({ live, latest: latestSamples(live) });
      },

      async loadRecent() {
        try {
          const samples = await client.call('telemetry:recent', { seconds: Math.round(windowMs / 1000) });
          const live = mergeSamples(get().live, samples, { windowMs });
          set({ live, latest: latestSamples(live), liveLoading: false, liveError: null });
        } catch (error) {
          set({ liveLoading: false, liveError: errorMessage(error) });
        }
      },

      async loadStatus() {
        try {
          const status = await client.call('telemetry:status', {});
          set({ status, statusError: null });
        } catch (error) {
          set({ statusError: errorMessage(error) });
        }
      },

      async loadHistory(range) {
        const request = ++historyRequest[range];
        setHistory(range, { loading: true, error: null });
        try {
          const series = await client.call('telemetry:history', { range });
          if (request !== historyRequest[range]) return;
          setHistory(range, { series, loading: false, error: null, fetchedAtMs: now() });
        } catch (error) {
          if (request !== historyRequest[range]) return;
          setHistory(range, { loading: false, error: errorMessage(error) });
        }
      },
    };
  });
}
