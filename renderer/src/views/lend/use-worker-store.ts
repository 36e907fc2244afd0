import { useStore } from 'zustand';
import { useStores } from '../../app/store-hooks';
import type { WorkerStoreState } from '../../stores/worker-store';

/** Selectors must return stable values (a field, not a new object): see store-hooks.ts. */
export function useWorkerStore<T>(selector: (state: WorkerStoreState) => T): T {
  return useStore(useStores().worker, selector);
}
