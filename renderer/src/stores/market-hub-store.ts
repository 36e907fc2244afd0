import { createStore } from 'zustand/vanilla';
import type { StoreApi } from 'zustand/vanilla';
import type { ApiClient } from '../../../common/api/client';
import type { MarketHubStatus } from '../../../common/market/market-hub-types';
import type { HubCertificate } from '../../../common/market/hub-certificate';
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
  busy: 'reconnect' | 'grid' | 'sign-out' | 'certificate' | null;
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
  /** The certificate an https hub presents, shown before the user accepts it (null until checked). */
  certificate: HubCertificate | null;
  checkCertificate(hubUrl: string): Promise<HubCertificate | null>;
  /**
   * Pins the certificate shown (its fingerprint, for its origin): from then on the app
   * talks to that hub only while it shows exactly that certificate. Main asks the owner.
   */
  acceptCertificate(certificate: HubCertificate): Promise<boolean>;
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
    certificate: null,

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

    async checkCertificate(hubUrl) {
      set({ busy: 'certificate', error: null, certificate: null });
      try {
        const certificate = await client.call('market:hub-certificate', { hubUrl: hubUrl.trim() });
        set({ certificate });
        return certificate;
      } catch (error) {
        set({ error: errorMessage(error) });
        return null;
      } finally {
        set((s) => (s.busy === 'certificate' ? { busy: null } : {}));
      }
    },

    async acceptCertificate(certificate) {
      set({ busy: 'certificate', error: null });
      try {
        const settings = await client.call('settings:get', {});
        await client.call('settings:update', {
          pinnedHubCertificates: { ...settings.pinnedHubCertificates, [certificate.origin]: certificate.fingerprintSha256 },
        });
        return true;
      } catch (error) {
        set({ error: errorMessage(error) });
        return false;
      } finally {
        set((s) => (s.busy === 'certificate' ? { busy: null } : {}));
      }
    },

    dismissError() {
      set({ error: null });
    },
  }));
}
