import { useStore } from 'zustand';
import { useStores } from '../../app/store-hooks';
import type { RentStoreState } from '../../stores/rent-store';

/** Selectors must return stable values (a field, not a new object): see store-hooks.ts. */
export function useRentStore<T>(selector: (state: RentStoreState) => T): T {
  return useStore(useStores().rent, selector);
}
