import { createStore } from 'zustand/vanilla';
import type { StoreApi } from 'zustand/vanilla';
import type { AccessTerminal, AccessTerminalClosed } from '../../../common/api/access';
import type { ApiClient } from '../../../common/api/client';
import { errorMessage } from './error-message';
import { startOnce } from './start-once';

/** A terminal as the lease view shows it: open, or closed with why. */
export interface TerminalTab extends AccessTerminal {
  closed: AccessTerminalClosed | null;
}

/**
 * The renter's terminals on its nodes. Output is not kept in the state (a busy shell
 * would re-render every view): each terminal component subscribes to its own output
 * with `onOutput`, and output that arrives before it mounts is held for it.
 */
export interface AccessStoreState {
  terminals: TerminalTab[];
  opening: { leaseId: string; rank: number } | null;
  error: string | null;

  start(): () => void;
  openTerminal(leaseId: string, rank: number, cols: number, rows: number): Promise<TerminalTab | null>;
  input(terminalId: string, data: string): void;
  resize(terminalId: string, cols: number, rows: number): void;
  closeTerminal(terminalId: string): void;
  /** Forgets a closed terminal's tab. */
  dismiss(terminalId: string): void;
  onOutput(terminalId: string, listener: (data: string) => void): () => void;
  dismissError(): void;
}

export type AccessStore = StoreApi<AccessStoreState>;

/** Output held for a terminal whose view is not mounted (characters, per terminal). */
const HELD_OUTPUT_CHARS = 256 * 1024;

export function createAccessStore(client: ApiClient): AccessStore {
  const listeners = new Map<string, Set<(data: string) => void>>();
  const held = new Map<string, string>();

  return createStore<AccessStoreState>()((set, get) => ({
    terminals: [],
    opening: null,
    error: null,

    start: startOnce(() => {
      const offOutput = client.subscribe('access:terminal-output', ({ terminalId, data }) => {
        const set = listeners.get(terminalId);
        if (set && set.size > 0) for (const l of set) l(data);
        else held.set(terminalId, ((held.get(terminalId) ?? '') + data).slice(-HELD_OUTPUT_CHARS));
      });
      const offClosed = client.subscribe('access:terminal-closed', (closed) => {
        set({ terminals: get().terminals.map((t) => (t.terminalId === closed.terminalId ? { ...t, closed } : t)) });
      });
      void client.call('access:terminals', {}).then(
        (open) => set({ terminals: open.map((t) => ({ ...t, closed: null })) }),
        () => undefined,
      );
      return [offOutput, offClosed];
    }),

    async openTerminal(leaseId, rank, cols, rows) {
      set({ opening: { leaseId, rank }, error: null });
      try {
        const opened = await client.call('access:terminal-open', { leaseId, rank, cols, rows });
        const tab: TerminalTab = { ...opened, closed: null };
        set({ terminals: [...get().terminals, tab], opening: null });
        return tab;
      } catch (error) {
        set({ opening: null, error: errorMessage(error) });
        return null;
      }
    },

    input(terminalId, data) {
      void client.call('access:terminal-input', { terminalId, data }).catch((error: unknown) => set({ error: errorMessage(error) }));
    },

    resize(terminalId, cols, rows) {
      void client.call('access:terminal-resize', { terminalId, cols, rows }).catch(() => undefined);
    },

    closeTerminal(terminalId) {
      void client.call('access:terminal-close', { terminalId }).catch(() => undefined);
    },

    dismiss(terminalId) {
      held.delete(terminalId);
      set({ terminals: get().terminals.filter((t) => t.terminalId !== terminalId) });
    },

    onOutput(terminalId, listener) {
      let set = listeners.get(terminalId);
      if (!set) listeners.set(terminalId, (set = new Set()));
      set.add(listener);
      const waiting = held.get(terminalId);
      if (waiting) {
        held.delete(terminalId);
        listener(waiting);
      }
      return () => {
        set.delete(listener);
        if (set.size === 0) listeners.delete(terminalId);
      };
    },

    dismissError() {
      set({ error: null });
    },
  }));
}
