import { useStore } from 'zustand';
import { useStores } from '../../app/store-hooks';
import type { ExplorerStoreState } from '../../stores/explorer-store';

/** Selectors must return stable values (a field, not a new object): see store-hooks.ts. */
export function useExplorerStore<T>(selector: (state: ExplorerStoreState) => T): T {
  return useStore(useStores().explorer, selector);
}
