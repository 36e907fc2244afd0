import { useStore } from 'zustand';
import { useStores } from '../../app/store-hooks';
import type { LendStoreState } from '../../stores/lend-store';

/** Selectors must return stable values (a field, not a new object): see store-hooks.ts. */
export function useLendStore<T>(selector: (state: LendStoreState) => T): T {
  return useStore(useStores().lend, selector);
}
