import { errorMessage } from './error-message';

interface BusyState<N extends string> {
  busy: N | null;
  error: string | null;
}

type BusySetter<N extends string> = (partial: Partial<BusyState<N>> | ((state: BusyState<N>) => Partial<BusyState<N>>)) => void;

/**
 * A store's user actions: marks which one is running in `busy`, puts a failure's words in
 * `error` and returns null for it, and clears `busy` only if no later action took over.
 */
export function busyAction<N extends string>(set: BusySetter<N>) {
  return async function act<T>(name: N, run: () => Promise<T>): Promise<T | null> {
    set({ busy: name, error: null });
    try {
      return await run();
    } catch (error) {
      set({ error: errorMessage(error) });
      return null;
    } finally {
      set((s) => (s.busy === name ? { busy: null } : {}));
    }
  };
}
