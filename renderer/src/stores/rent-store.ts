import { createStore } from 'zustand/vanilla';
import type { StoreApi } from 'zustand/vanilla';
import type { ApiClient } from '../../../common/api/client';
import type { ApiParams } from '../../../common/api/contract';
import { ApiError } from '../../../common/api/errors';
import type { OfferSearchPage } from '../../../common/hub/market-types';
import type { DisputeResult, LeaseEvidenceFile } from '../../../common/hub/lease-types';
import type { RenterReputation, WorkerReputation } from '../../../common/hub/http-api';
import type { AutoPayState, RentLease, RentLeaseEvent, RentQuote, RentReceipt, RentRequest } from '../../../common/market/rent-types';
import { errorMessage } from './error-message';
import { startOnce } from './start-once';

/** Offers per page of the market table. */
export const OFFERS_PER_PAGE = 25;
/** Log lines kept per lease in the UI; main keeps its own bounded tail too. */
export const MAX_LOG_LINES_PER_LEASE = 2000;
export const RECEIPTS_SHOWN = 500;

/** The search filters as sent (`rent:search` params without paging). */
export type OfferQuery = Omit<ApiParams<'rent:search'>, 'offset' | 'limit'>;

export type RentTab = 'market' | 'leases' | 'spending';
export type RentAction = 'quote' | 'pay' | 'pay-next' | 'extend' | 'terminate' | 'auto-pay' | 'dispute' | 'evidence';

/** A failure with main's words and its code, so "the backend is not there" can read differently. */
export interface RentFailure {
  message: string;
  unavailable: boolean;
}

/**
 * The renter's side: the market search, the quote being considered, the leases this
 * wallet holds (kept fresh by `rent:lease` and `rent:lease-event`), and the receipts of
 * every payment made for them. Which tab and which lease are open lives here too, so
 * paying a quote can take the renter straight to its lease.
 */
export interface RentStoreState {
  tab: RentTab;
  /** The lease shown in full, or null for the tab's list. */
  openLeaseId: string | null;

  query: OfferQuery;
  /** Offsets of the pages before the current one, for "Previous". */
  pageOffsets: number[];
  offset: number;
  page: OfferSearchPage | null;
  searching: boolean;
  searchError: RentFailure | null;

  quote: RentQuote | null;
  /** What the quote was asked for, to ask again after it expires. */
  quoteRequest: RentRequest | null;

  leases: Record<string, RentLease>;
  /** Lease ids, newest first. */
  leaseOrder: string[];
  leasesLoading: boolean;
  leasesError: RentFailure | null;

  receipts: RentReceipt[];
  receiptsLoading: boolean;
  receiptsError: RentFailure | null;

  busy: RentAction | null;
  /** The last failed action (quote, pay, extend…), shown where it happened. */
  actionError: { action: RentAction; message: string } | null;

  /** How each dispute this session opened was settled, by lease. */
  disputes: Record<string, DisputeResult>;
  /** This wallet's score as a renter and why; null until loaded (or without a hub). */
  reputation: RenterReputation | null;
  /** Suppliers' machines' scores and why, by worker id, as asked for. */
  supplierScores: Record<string, WorkerReputation>;

  start(): () => void;
  /** Reloads what the UI holds: after a reconnect, events sent meanwhile were lost. */
  load(): Promise<void>;
  setTab(tab: RentTab): void;
  search(query?: OfferQuery): Promise<void>;
  /** Runs the current search again without a spinner: free GPUs change while the renter looks. */
  refreshSearch(): Promise<void>;
  nextPage(): Promise<void>;
  previousPage(): Promise<void>;
  requestQuote(request: RentRequest): Promise<RentQuote | null>;
  /** Drops the quote and releases the GPUs it holds at once (the unpaid lease is ended). */
  discardQuote(): void;
  /** Pays the quote's first increment; on success opens the lease. */
  pay(leaseId: string, autoPayBudget?: string): Promise<RentLease | null>;
  payNext(leaseId: string): Promise<RentLease | null>;
  extend(leaseId: string, increments: number): Promise<RentLease | null>;
  terminate(leaseId: string): Promise<RentLease | null>;
  setAutoPay(leaseId: string, enabled: boolean, budget?: string): Promise<AutoPayState | null>;
  openLease(leaseId: string): Promise<void>;
  closeLease(): void;
  loadLeases(): Promise<void>;
  loadReceipts(): Promise<void>;
  dismissActionError(): void;
  /** Opens a dispute about a lease; the hub's settlement is kept in `disputes`. */
  dispute(leaseId: string, complaint: string): Promise<DisputeResult | null>;
  /** The hub's evidence of a lease, as one document (the view saves it as a file). */
  evidence(leaseId: string): Promise<LeaseEvidenceFile | null>;
  loadReputation(): Promise<void>;
  loadSupplierScore(workerId: string): Promise<void>;
}

export type RentStore = StoreApi<RentStoreState>;

function failure(error: unknown): RentFailure {
  return { message: errorMessage(error), unavailable: error instanceof ApiError && error.code === 'unavailable' };
}

/** Newest first, as My leases lists them. */
function sortedIds(leases: Record<string, RentLease>): string[] {
  return Object.values(leases)
    .sort((a, b) => b.lease.createdAtMs - a.lease.createdAtMs)
    .map((l) => l.lease.leaseId);
}

/** Applies one live event to the lease it belongs to; unknown leases are left for `rent:lease`. */
export function applyLeaseEvent(current: RentLease, { event }: RentLeaseEvent): RentLease {
  const lease = current.lease;
  switch (event.type) {
    case 'lease.log': {
      const logs = [...current.logs, { rank: event.rank, stream: event.stream, text: event.text, atMs: event.atMs }];
      return { ...current, logs: logs.length > MAX_LOG_LINES_PER_LEASE ? logs.slice(-MAX_LOG_LINES_PER_LEASE) : logs };
    }
    case 'lease.node': {
      const nodes = lease.nodes.some((n) => n.rank === event.rank)
        ? lease.nodes.map((n) => (n.rank === event.rank ? { ...n, state: event.state, message: event.message, updatedAtMs: event.atMs } : n))
        : [...lease.nodes, { rank: event.rank, workerId: '', state: event.state, message: event.message, updatedAtMs: event.atMs }];
      const notes = current.nodeNotes ?? [];
      const nodeNotes = event.message && !notes.some((n) => n.atMs === event.atMs && n.rank === event.rank) ? [...notes, { rank: event.rank, message: event.message, atMs: event.atMs }].slice(-50) : notes;
      return { ...current, nodeNotes, lease: { ...lease, nodes } };
    }
    case 'lease.state': {
      if (lease.transitions.some((t) => t.atMs === event.atMs && t.to === event.state)) return current;
      const transition = { from: lease.state, to: event.state, endReason: event.endReason, atMs: event.atMs, reason: event.reason };
      return { ...current, lease: { ...lease, state: event.state, endReason: event.endReason, transitions: [...lease.transitions, transition] } };
    }
    case 'lease.payment': {
      const increments = lease.increments.map((inc) =>
        inc.index !== event.increment
          ? inc
          : { ...inc, payments: inc.payments.map((p) => (p.payee === event.payee && p.signature === null ? { ...p, signature: event.signature, paidAtMs: event.atMs } : p)) },
      );
      return { ...current, lease: { ...lease, increments } };
    }
    case 'lease.refund': {
      if ((lease.refunds ?? []).some((r) => r.signature === event.signature)) return current;
      const refund = { increment: event.increment, payee: event.payee, amount: event.amount, signature: event.signature, atMs: event.atMs };
      return { ...current, lease: { ...lease, refunds: [...(lease.refunds ?? []), refund] } };
    }
    case 'lease.mesh':
      return { ...current, mesh: event.mesh };
    case 'lease.attest': {
      // The verifier runs in the main process; the view only needs the node's state.
      if (event.message.type !== 'ready' || !lease.attestation) return current;
      const attestation = lease.attestation.map((a) => (a.rank === event.rank && a.state === 'preparing' ? { ...a, state: 'ready' as const, updatedAtMs: event.atMs } : a));
      return { ...current, lease: { ...lease, attestation } };
    }
    case 'lease.attested': {
      if (!lease.attestation) return current;
      const attestation = lease.attestation.map((a) => (a.rank === event.rank ? { ...a, state: event.passed ? ('passed' as const) : ('failed' as const), reason: event.reason, message: event.message, updatedAtMs: event.atMs } : a));
      return { ...current, lease: { ...lease, attestation } };
    }
  }
}

export function createRentStore(client: ApiClient): RentStore {
  return createStore<RentStoreState>()((set, get) => {
    // A burst of receipts (one per supplier) needs one reload, not a queue.
    let receiptsLoading: Promise<void> | null = null;
    let receiptsAgain = false;
    // Only the newest search may land: typing fast must not show an older answer.
    let searchSeq = 0;
    let walletAddress: string | null | undefined;

    async function act<T>(action: RentAction, run: () => Promise<T>): Promise<T | null> {
      set({ busy: action, actionError: null });
      try {
        return await run();
      } catch (error) {
        set({ actionError: { action, message: errorMessage(error) } });
        return null;
      } finally {
        set((s) => (s.busy === action ? { busy: null } : {}));
      }
    }

    function putLease(lease: RentLease): void {
      set((s) => {
        const leases = { ...s.leases, [lease.lease.leaseId]: lease };
        return { leases, leaseOrder: s.leases[lease.lease.leaseId] ? s.leaseOrder : sortedIds(leases) };
      });
    }

    // Leases being fetched, so a burst of log lines of a new lease asks once.
    const fetching = new Set<string>();

    async function fetchLease(leaseId: string): Promise<void> {
      if (fetching.has(leaseId)) return;
      fetching.add(leaseId);
      try {
        putLease(await client.call('rent:lease', { leaseId }));
        set({ leasesError: null });
      } catch (error) {
        set({ leasesError: failure(error) });
      } finally {
        fetching.delete(leaseId);
      }
    }

    async function runSearch(offset: number, pageOffsets: number[], quiet = false): Promise<void> {
      const seq = ++searchSeq;
      if (!quiet) set({ searching: true });
      try {
        const page = await client.call('rent:search', { ...get().query, offset, limit: OFFERS_PER_PAGE });
        if (seq !== searchSeq) return;
        set({ page, offset, pageOffsets, searching: false, searchError: null });
      } catch (error) {
        if (seq !== searchSeq) return;
        set({ searching: false, searchError: failure(error) });
      }
    }

    async function loadReceiptsNow(): Promise<void> {
      try {
        const receipts = await client.call('rent:receipts', { limit: RECEIPTS_SHOWN });
        set({ receipts, receiptsLoading: false, receiptsError: null });
      } catch (error) {
        set({ receiptsLoading: false, receiptsError: failure(error) });
      }
    }

    return {
      tab: 'market',
      openLeaseId: null,
      query: { sort: 'price' },
      pageOffsets: [],
      offset: 0,
      page: null,
      searching: false,
      searchError: null,
      quote: null,
      quoteRequest: null,
      leases: {},
      leaseOrder: [],
      leasesLoading: true,
      leasesError: null,
      receipts: [],
      receiptsLoading: true,
      receiptsError: null,
      busy: null,
      actionError: null,
      disputes: {},
      reputation: null,
      supplierScores: {},

      start: startOnce(() => {
        const offs = [
          client.subscribe('rent:lease', putLease),
          client.subscribe('rent:lease-event', (data) => {
            const current = get().leases[data.leaseId];
            if (current) set((s) => ({ leases: { ...s.leases, [data.leaseId]: applyLeaseEvent(current, data) } }));
            // A lease this UI has not seen yet (paid from another window): fetch it whole.
            else void fetchLease(data.leaseId);
          }),
          client.subscribe('rent:receipts-changed', () => void get().loadReceipts()),
          // Leases and receipts are the active wallet's: another wallet (or the first one) has others.
          client.subscribe('wallet:changed', (wallet) => {
            if (wallet.activeAddress === walletAddress) return;
            walletAddress = wallet.activeAddress;
            set({ openLeaseId: null, quote: null });
            void get().loadLeases();
            void get().loadReceipts();
          }),
        ];
        void get().load();
        return offs;
      }),

      async load() {
        const openId = get().openLeaseId;
        await Promise.all([get().loadLeases(), get().loadReceipts(), get().page || get().searchError ? runSearch(get().offset, get().pageOffsets) : null, openId ? fetchLease(openId) : null]);
      },

      setTab(tab) {
        set({ tab, openLeaseId: null });
      },

      search(query) {
        if (query) set({ query });
        return runSearch(0, []);
      },

      async refreshSearch() {
        if (get().searching) return;
        await runSearch(get().offset, get().pageOffsets, true);
      },

      async nextPage() {
        const next = get().page?.nextOffset;
        if (next === null || next === undefined) return;
        await runSearch(next, [...get().pageOffsets, get().offset]);
      },

      async previousPage() {
        const offsets = get().pageOffsets;
        if (offsets.length === 0) return;
        await runSearch(offsets[offsets.length - 1] ?? 0, offsets.slice(0, -1));
      },

      async requestQuote(request) {
        set({ quote: null, quoteRequest: request });
        const quote = await act('quote', () => client.call('rent:quote', request));
        if (quote) set({ quote });
        return quote;
      },

      discardQuote() {
        const quote = get().quote;
        set({ quote: null, actionError: null });
        // An unpaid quote holds its GPUs until its deadline: give them back now, so the next
        // quote (often the same renter's) can have them. Nothing was paid, nothing is lost.
        if (quote) void client.call('rent:terminate', { leaseId: quote.leaseId }).catch(() => undefined);
      },

      async pay(leaseId, autoPayBudget) {
        const lease = await act('pay', () => client.call('rent:pay', autoPayBudget === undefined ? { leaseId } : { leaseId, autoPayBudget }));
        if (lease) {
          putLease(lease);
          set({ quote: null, tab: 'leases', openLeaseId: leaseId });
        }
        return lease;
      },

      async payNext(leaseId) {
        const lease = await act('pay-next', () => client.call('rent:pay-next', { leaseId }));
        if (lease) putLease(lease);
        return lease;
      },

      async extend(leaseId, increments) {
        const lease = await act('extend', () => client.call('rent:extend', { leaseId, increments }));
        if (lease) putLease(lease);
        return lease;
      },

      async terminate(leaseId) {
        const lease = await act('terminate', () => client.call('rent:terminate', { leaseId }));
        if (lease) putLease(lease);
        return lease;
      },

      async setAutoPay(leaseId, enabled, budget) {
        const autoPay = await act('auto-pay', () => client.call('rent:set-auto-pay', budget === undefined ? { leaseId, enabled } : { leaseId, enabled, budget }));
        const current = get().leases[leaseId];
        if (autoPay && current) putLease({ ...current, autoPay });
        return autoPay;
      },

      async openLease(leaseId) {
        set({ tab: 'leases', openLeaseId: leaseId });
        await fetchLease(leaseId);
      },

      closeLease() {
        set({ openLeaseId: null });
      },

      async dispute(leaseId, complaint) {
        const result = await act('dispute', () => client.call('rent:dispute', { leaseId, complaint }));
        if (result) set((s) => ({ disputes: { ...s.disputes, [leaseId]: result } }));
        return result;
      },

      evidence(leaseId) {
        return act('evidence', () => client.call('rent:evidence', { leaseId }));
      },

      async loadReputation() {
        try {
          set({ reputation: await client.call('rent:reputation', {}) });
        } catch {
          set({ reputation: null });
        }
      },

      async loadSupplierScore(workerId) {
        try {
          const score = await client.call('rent:supplier-reputation', { workerId });
          set((s) => ({ supplierScores: { ...s.supplierScores, [workerId]: score } }));
        } catch {
          // Not shown: the node card simply has no score line.
        }
      },

      async loadLeases() {
        try {
          const list = await client.call('rent:leases', { limit: 200 });
          const leases = Object.fromEntries(list.map((l) => [l.lease.leaseId, l]));
          set({ leases, leaseOrder: sortedIds(leases), leasesLoading: false, leasesError: null });
        } catch (error) {
          set({ leasesLoading: false, leasesError: failure(error) });
        }
      },

      loadReceipts() {
        if (receiptsLoading) {
          receiptsAgain = true;
          return receiptsLoading;
        }
        receiptsLoading = (async () => {
          do {
            receiptsAgain = false;
            await loadReceiptsNow();
          } while (receiptsAgain);
          receiptsLoading = null;
        })();
        return receiptsLoading;
      },

      dismissActionError() {
        set({ actionError: null });
      },
    };
  });
}
