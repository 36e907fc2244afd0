import { useStore } from 'zustand';
import { useStores } from '../../app/store-hooks';
import type { EarningsStoreState } from '../../stores/earnings-store';

/** Selectors must return stable values (a field, not a new object): see store-hooks.ts. */
export function useEarningsStore<T>(selector: (state: EarningsStoreState) => T): T {
  return useStore(useStores().earnings, selector);
}
