import { createStore } from 'zustand/vanilla';
import { parseGpuReleaseBundle } from '../../../common/market/gpu-release-bundle';
import type { StoreApi } from 'zustand/vanilla';
import type { ApiClient } from '../../../common/api/client';
import type { LendNotice, LendTerms, MarketMedian, SupplierStatus } from '../../../common/market/lend-types';
import { errorMessage } from './error-message';
import type { WorkerReputation } from '../../../common/hub/http-api';
import { startOnce } from './start-once';

/** Notices kept for the Lend view's list; the tray shows them as they come. */
export const MAX_NOTICES = 20;

/**
 * The supplier's side as the Lend view sees it: the session's status (live from
 * `lend:status`), the saved offer terms, the market's median price per GPU model as a
 * reference, and the notices the session raised (job started, overheating, …).
 */
export interface LendStoreState {
  status: SupplierStatus | null;
  terms: LendTerms | null;
  /** By GPU model; a model absent here was not asked for yet. */
  medians: Record<string, MarketMedian>;
  /** Newest first. */
  notices: LendNotice[];
  loading: boolean;
  /** 'start' | 'stop' | 'terms' while that action is on its way. */
  busy: 'start' | 'stop' | 'terms' | null;
  /** The last failed load or sharing action, shown above the Sharing card. */
  error: string | null;
  /** A refused terms save, shown by the form (the fields keep what was typed). */
  termsError: string | null;
  /** When the terms were last saved, for a quiet "Saved". */
  termsSavedAtMs: number | null;
  /** This machine's score at the hub and why; null before it has a worker id there. */
  reputation: WorkerReputation | null;

  start(): () => void;
  loadReputation(): Promise<void>;
  load(): Promise<void>;
  startSharing(): Promise<boolean>;
  stopSharing(stopRunning?: boolean): Promise<boolean>;
  saveTerms(terms: LendTerms): Promise<boolean>;
  loadMedian(gpuModel: string): Promise<void>;
  /** Signs releases of this machine's GPUs to `newOwner` (main asks the owner); the text to hand over, or null (error in `releaseError`). */
  releaseGpus(newOwner: string): Promise<string | null>;
  /** Takes over GPUs another owner released to this one: checks the pasted text, stores its releases (sent in the next hello). */
  acceptGpuReleases(text: string): Promise<boolean>;
  releaseError: string | null;
  dismissNotice(atMs: number): void;
  dismissError(): void;
}

export type LendStore = StoreApi<LendStoreState>;

export function createLendStore(client: ApiClient, now: () => number = Date.now): LendStore {
  return createStore<LendStoreState>()((set, get) => {
    async function sharingAction(name: 'start' | 'stop', run: () => Promise<SupplierStatus>): Promise<boolean> {
      if (get().busy === name) return false;
      set({ busy: name, error: null });
      try {
        set({ status: await run() });
        return true;
      } catch (error) {
        set({ error: errorMessage(error) });
        return false;
      } finally {
        set((s) => (s.busy === name ? { busy: null } : {}));
      }
    }

    return {
      status: null,
      terms: null,
      medians: {},
      notices: [],
      loading: true,
      busy: null,
      error: null,
      termsError: null,
      termsSavedAtMs: null,
      reputation: null,

      async loadReputation() {
        try {
          set({ reputation: await client.call('lend:reputation', {}) });
        } catch {
          set({ reputation: null });
        }
      },
      releaseError: null,

      start: startOnce(() => {
        const offs = [
          client.subscribe('lend:status', (status) => set({ status })),
          client.subscribe('lend:notice', (notice) => {
            set((s) => ({ notices: [notice, ...s.notices].slice(0, MAX_NOTICES) }));
          }),
          // Sharing on or off from the tray changes the terms' payout wallet and the status.
          client.subscribe('settings:changed', (settings) => set({ terms: settings.lendTerms })),
        ];
        void get().load();
        return offs;
      }),

      async load() {
        // Two calls settled apart: an unavailable supplier session still shows the terms.
        const [status, terms] = await Promise.allSettled([client.call('lend:status', {}), client.call('lend:terms', {})]);
        set({
          loading: false,
          ...(status.status === 'fulfilled' ? { status: status.value } : {}),
          ...(terms.status === 'fulfilled' ? { terms: terms.value } : {}),
          error: status.status === 'rejected' ? errorMessage(status.reason) : terms.status === 'rejected' ? errorMessage(terms.reason) : null,
        });
      },

      startSharing: () => sharingAction('start', () => client.call('lend:start-sharing', {})),
      stopSharing: (stopRunning = false) => sharingAction('stop', () => client.call('lend:stop-sharing', { stopRunning })),

      async saveTerms(terms) {
        set({ busy: 'terms', termsError: null });
        try {
          const saved = await client.call('lend:set-terms', { terms });
          set({ terms: saved, termsSavedAtMs: now() });
          return true;
        } catch (error) {
          set({ termsError: errorMessage(error) });
          return false;
        } finally {
          set((s) => (s.busy === 'terms' ? { busy: null } : {}));
        }
      },

      async releaseGpus(newOwner) {
        set({ releaseError: null });
        try {
          const bundle = await client.call('lend:release-gpus', { newOwner: newOwner.trim() });
          return JSON.stringify(bundle);
        } catch (error) {
          set({ releaseError: errorMessage(error) });
          return null;
        }
      },

      async acceptGpuReleases(text) {
        set({ releaseError: null });
        const bundle = parseGpuReleaseBundle(text.trim());
        if (!bundle) {
          set({ releaseError: 'That is not a GPU release made by Idlegrid: paste the whole text the previous owner copied.' });
          return false;
        }
        try {
          const settings = await client.call('settings:get', {});
          const others = settings.gpuReleases.filter((r) => !bundle.releases.some((b) => b.uuid === r.uuid));
          await client.call('settings:update', { gpuReleases: [...others, ...bundle.releases].slice(-64) });
          return true;
        } catch (error) {
          set({ releaseError: errorMessage(error) });
          return false;
        }
      },

      async loadMedian(gpuModel) {
        try {
          const median = await client.call('lend:market-median', { gpuModel });
          set((s) => ({ medians: { ...s.medians, [gpuModel]: median } }));
        } catch {
          // A reference only: without the hub the form still works, it just shows no median.
        }
      },

      dismissNotice(atMs) {
        set((s) => ({ notices: s.notices.filter((n) => n.atMs !== atMs) }));
      },

      dismissError() {
        set({ error: null });
      },
    };
  });
}
