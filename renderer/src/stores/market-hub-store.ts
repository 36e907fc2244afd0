import { createStore } from 'zustand/vanilla';
import type { StoreApi } from 'zustand/vanilla';
import type { ApiClient } from '../../../common/api/client';
import type { MarketHubStatus } from '../../../common/market/market-hub-types';
import type { NetworkInfo } from '../../../common/wallet/network';
import { errorMessage } from './error-message';
import { startOnce } from './start-once';

/**
 * The market hub this app talks to (embedded on Sandbox, a private grid's otherwise):
 * its state, live from `market:hub`, a reconnect, and joining a private grid (which is a
 * network switch: the grid's hub names the chain payments use).
 */
export interface MarketHubStoreState {
  hub: MarketHubStatus | null;
  loading: boolean;
  busy: 'reconnect' | 'grid' | 'sign-out' | null;
  /** A failed load or action (the hub's own trouble is `hub.error`). */
  error: string | null;

  start(): () => void;
  load(): Promise<void>;
  reconnect(): Promise<void>;
  /**
   * Switches the network to the private grid at `hubUrl`; the network (or null on failure).
   * A plain-http hub beyond loopback and private networks needs `acceptPlainHttp`, given
   * only after the view has shown its warning.
   */
  joinGrid(hubUrl: string, options?: { acceptPlainHttp?: boolean }): Promise<NetworkInfo | null>;
  /** Revokes this app's sessions at the hub; the next market call signs in again. */
  signOut(): Promise<void>;
  dismissError(): void;
}

export type MarketHubStore = StoreApi<MarketHubStoreState>;

/** Checks a hub URL before asking main, so a typo gets a message at once. */
export function hubUrlProblem(text: string): string | null {
  const value = text.trim();
  if (!value) return 'Enter the hub URL of your private grid, e.g. http://192.168.1.20:7070.';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'That is not a URL. Use the address the hub printed when it started, e.g. http://192.168.1.20:7070.';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'A hub URL starts with http:// or https://.';
  return null;
}

export function createMarketHubStore(client: ApiClient): MarketHubStore {
  return createStore<MarketHubStoreState>()((set, get) => ({
    hub: null,
    loading: true,
    busy: null,
    error: null,

    start: startOnce(() => {
      const offs = [
        client.subscribe('market:hub', (hub) => set({ hub, loading: false })),
        // A network switch moves to another hub; its status follows as an event too,
        // but asking keeps the view right if that event was missed.
        client.subscribe('network:changed', () => void get().load()),
      ];
      void get().load();
      return offs;
    }),

    async load() {
      try {
        set({ hub: await client.call('market:hub', {}), loading: false, error: null });
      } catch (error) {
        set({ loading: false, error: errorMessage(error) });
      }
    },

    async reconnect() {
      set({ busy: 'reconnect', error: null });
      try {
        set({ hub: await client.call('market:reconnect', {}) });
      } catch (error) {
        set({ error: errorMessage(error) });
      } finally {
        set((s) => (s.busy === 'reconnect' ? { busy: null } : {}));
      }
    },

    async joinGrid(hubUrl, options = {}) {
      const problem = hubUrlProblem(hubUrl);
      if (problem) {
        set({ error: problem });
        return null;
      }
      set({ busy: 'grid', error: null });
      try {
        const network = await client.call('network:set', { kind: 'grid', hubUrl: hubUrl.trim(), ...(options.acceptPlainHttp ? { acceptPlainHttp: true } : {}) });
        if (network.status === 'error' && network.error) set({ error: network.error });
        void get().load();
        return network;
      } catch (error) {
        set({ error: errorMessage(error) });
        return null;
      } finally {
        set((s) => (s.busy === 'grid' ? { busy: null } : {}));
      }
    },

    async signOut() {
      set({ busy: 'sign-out', error: null });
      try {
        set({ hub: await client.call('market:sign-out', {}) });
      } catch (error) {
        set({ error: errorMessage(error) });
      } finally {
        set((s) => (s.busy === 'sign-out' ? { busy: null } : {}));
      }
    },

    dismissError() {
      set({ error: null });
    },
  }));
}
