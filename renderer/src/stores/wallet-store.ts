import { createStore } from 'zustand/vanilla';
import type { StoreApi } from 'zustand/vanilla';
import type { ApiClient } from '../../../common/api/client';
import { EXPORT_CONFIRMATION } from '../../../common/api/wallet';
import type { NetworkInfo, NetworkKind } from '../../../common/wallet/network';
import type {
  SendToken,
  SigningRequest,
  WalletAccount,
  WalletBalances,
  WalletExportResult,
  WalletState,
  WalletTransaction,
} from '../../../common/wallet/wallet-types';
import { errorMessage } from './error-message';
import { busyAction } from './busy-action';
import { startOnce } from './start-once';

/** The label of the second wallet the Sandbox makes for the renter role. */
export const SANDBOX_RENTER_LABEL = 'Sandbox renter';

/**
 * The wallet as the UI sees it: the vault's state, balances and recent transactions of
 * the active wallet, the network, and the signing requests main is waiting on. Secrets
 * never pass through here; signing happens in main after the user answers a request.
 */
export interface WalletStoreState {
  wallet: WalletState | null;
  network: NetworkInfo | null;
  balances: WalletBalances | null;
  transactions: WalletTransaction[];
  /** Requests main waits on, oldest first; the confirmation dialog shows the first. */
  confirmations: SigningRequest[];
  loading: boolean;
  /** The last failure of a load or an action, shown where it happened. */
  error: string | null;
  /** Which action is on its way ('send', 'faucet', …), to disable its button. */
  busy: string | null;
  /**
   * Set when something (the Wallet Standard `connect`) needs a usable wallet first: the
   * setup dialog opens, and `setupDone` resolves whoever waits.
   */
  setupRequested: boolean;

  start(): () => void;
  load(): Promise<void>;
  loadBalances(): Promise<void>;
  loadTransactions(): Promise<void>;
  /** Balances of any address on the current network (an extension wallet's); null on failure. */
  balancesOf(address: string): Promise<WalletBalances | null>;
  create(label?: string): Promise<WalletAccount | null>;
  importKey(secret: string, label?: string): Promise<WalletAccount | null>;
  select(address: string): Promise<void>;
  /**
   * Sandbox only: makes (or reuses) a second local wallet labelled `SANDBOX_RENTER_LABEL`,
   * makes it the active one and fills it from the faucet when empty, so a newcomer can
   * rent the GPUs this machine lends (a wallet is never placed on its own offers). False
   * when refused or failed (see `error`).
   */
  useSandboxRenter(): Promise<boolean>;
  unlock(passphrase: string): Promise<boolean>;
  lock(): Promise<void>;
  faucet(): Promise<boolean>;
  /** Resolves to the signature once confirmed on chain, or null (declined or failed: see `error`). */
  send(to: string, token: SendToken, baseUnits: string): Promise<string | null>;
  exportKey(address: string, format: WalletExportResult['format'], passphrase?: string): Promise<WalletExportResult | null>;
  /** Declines, or approves with the wallet passphrase (headless); false when refused (wrong passphrase). */
  answer(id: string, approved: boolean, passphrase?: string): Promise<boolean>;
  setNetwork(kind: NetworkKind, custom?: { rpcUrl: string; usdcMint: string }): Promise<boolean>;
  /** Resolves once there is an unlocked, active wallet (opening the setup dialog if needed). */
  requireReadyWallet(): Promise<string>;
  setupDone(ok: boolean): void;
  dismissError(): void;
}

export type WalletStore = StoreApi<WalletStoreState>;

/** Whether the vault has an active wallet that can sign right now. */
export function readyAddress(wallet: WalletState | null): string | null {
  if (!wallet || wallet.locked || !wallet.activeAddress) return null;
  return wallet.activeAddress;
}

export function createWalletStore(client: ApiClient): WalletStore {
  let setupWaiters: Array<{ resolve: (address: string) => void; reject: (error: Error) => void }> = [];

  return createStore<WalletStoreState>()((set, get) => {
    const act = busyAction<string>(set);

    function applyWallet(wallet: WalletState): void {
      const before = get().wallet?.activeAddress;
      set({ wallet });
      if (readyAddress(wallet) && get().setupRequested) get().setupDone(true);
      if (wallet.activeAddress !== before) {
        set({ balances: null, transactions: [] });
        void get().loadBalances();
        void get().loadTransactions();
      }
    }

    return {
      wallet: null,
      network: null,
      balances: null,
      transactions: [],
      confirmations: [],
      loading: true,
      error: null,
      busy: null,
      setupRequested: false,

      start: startOnce(() => {
        const offs = [
          client.subscribe('wallet:changed', applyWallet),
          client.subscribe('wallet:balances', (balances) => {
            if (balances.address === get().wallet?.activeAddress) set({ balances });
          }),
          client.subscribe('wallet:activity', (activity) => {
            if (activity.address === get().wallet?.activeAddress) void get().loadTransactions();
          }),
          client.subscribe('network:changed', (network) => {
            set({ network });
            if (network.status === 'ready') {
              void get().loadBalances();
              void get().loadTransactions();
            } else {
              set({ balances: null, transactions: [] });
            }
          }),
          client.subscribe('wallet:confirm-request', (request) => {
            set((s) => ({ confirmations: [...s.confirmations.filter((r) => r.id !== request.id), request] }));
          }),
          client.subscribe('wallet:confirm-resolved', ({ id }) => {
            set((s) => ({ confirmations: s.confirmations.filter((r) => r.id !== id) }));
          }),
        ];
        void get().load();
        return offs;
      }),

      async load() {
        try {
          const [wallet, network, confirmations] = await Promise.all([
            client.call('wallet:list', {}),
            client.call('network:get', {}),
            client.call('wallet:pending-confirmations', {}),
          ]);
          set({ wallet, network, confirmations, loading: false, error: null });
          await Promise.all([get().loadBalances(), get().loadTransactions()]);
        } catch (error) {
          set({ loading: false, error: errorMessage(error) });
        }
      },

      async loadBalances() {
        const { wallet, network } = get();
        if (!wallet?.activeAddress || network?.status !== 'ready') return;
        try {
          const balances = await client.call('wallet:balances', {});
          if (balances.address === get().wallet?.activeAddress) set({ balances });
        } catch (error) {
          set({ error: errorMessage(error) });
        }
      },

      async loadTransactions() {
        const { wallet, network } = get();
        if (!wallet?.activeAddress || network?.status !== 'ready') return;
        try {
          const transactions = await client.call('wallet:transactions', { limit: 20 });
          if (wallet.activeAddress === get().wallet?.activeAddress) set({ transactions });
        } catch {
          // History is secondary: balances and actions report their own errors.
        }
      },

      async balancesOf(address) {
        try {
          return await client.call('wallet:balances', { address });
        } catch (error) {
          set({ error: errorMessage(error) });
          return null;
        }
      },

      create: (label) => act('create', () => client.call('wallet:create', label ? { label } : {})),
      importKey: (secret, label) => act('import', () => client.call('wallet:import', label ? { secret, label } : { secret })),

      async select(address) {
        const wallet = await act('select', () => client.call('wallet:select', { address }));
        if (wallet) applyWallet(wallet);
      },

      async useSandboxRenter() {
        if (get().network?.kind !== 'sandbox') {
          set({ error: 'A separate renter wallet is made on the Sandbox network only; on other networks, rent from a wallet you fund yourself.' });
          return false;
        }
        const existing = get().wallet?.wallets.find((w) => w.label === SANDBOX_RENTER_LABEL && w.usable) ?? null;
        const address = existing?.address ?? (await get().create(SANDBOX_RENTER_LABEL))?.address ?? null;
        if (!address) return false;
        if (get().wallet?.activeAddress !== address) await get().select(address);
        if (get().wallet?.activeAddress !== address) return false;
        await get().loadBalances();
        const balances = get().balances;
        if (!existing || !balances || balances.address !== address || BigInt(balances.tokenAmount) === 0n) return get().faucet();
        return true;
      },

      async unlock(passphrase) {
        const wallet = await act('unlock', () => client.call('wallet:unlock', { passphrase }));
        if (wallet) applyWallet(wallet);
        return wallet !== null;
      },

      async lock() {
        const wallet = await act('lock', () => client.call('wallet:lock', {}));
        if (wallet) applyWallet(wallet);
      },

      async faucet() {
        const result = await act('faucet', () => client.call('wallet:faucet', {}));
        if (result) await get().loadBalances();
        return result !== null;
      },

      async send(to, token, amount) {
        const result = await act('send', () => client.call('wallet:send', { to, token, amount }));
        if (result) await get().loadBalances();
        return result?.signature ?? null;
      },

      exportKey: (address, format, passphrase) =>
        act('export', () => client.call('wallet:export', { address, format, confirm: EXPORT_CONFIRMATION, ...(passphrase ? { passphrase } : {}) })),

      async answer(id, approved, passphrase) {
        // A decline is gone from the queue at once; an approval stays until main settles it
        // (`confirm-resolved`), so a wrong passphrase can be typed again.
        if (!approved) set((s) => ({ confirmations: s.confirmations.filter((r) => r.id !== id) }));
        try {
          await client.call('wallet:confirm', { id, approved, ...(approved && passphrase ? { passphrase } : {}) });
          set((s) => ({ confirmations: s.confirmations.filter((r) => r.id !== id) }));
          return true;
        } catch (error) {
          set({ error: errorMessage(error) });
          return false;
        }
      },

      async setNetwork(kind, custom) {
        const network = await act('network', () => client.call('network:set', kind === 'custom' && custom ? { kind, ...custom } : { kind }));
        if (network) set({ network });
        return network !== null && network.status !== 'error';
      },

      requireReadyWallet() {
        const ready = readyAddress(get().wallet);
        if (ready) return Promise.resolve(ready);
        return new Promise<string>((resolve, reject) => {
          setupWaiters.push({ resolve, reject });
          set({ setupRequested: true });
        });
      },

      setupDone(ok) {
        const waiters = setupWaiters;
        setupWaiters = [];
        set({ setupRequested: false });
        const ready = readyAddress(get().wallet);
        for (const waiter of waiters) {
          if (ok && ready) waiter.resolve(ready);
          else waiter.reject(new Error('No wallet was connected: the setup was closed.'));
        }
      },

      dismissError() {
        set({ error: null });
      },
    };
  });
}
