import { useStore } from 'zustand';
import { useStores } from '../app/store-hooks';
import type { WalletStoreState } from '../stores/wallet-store';

/** Select one field at a time (zustand 5 re-renders forever on a new object per call). */
export function useWalletStore<T>(selector: (state: WalletStoreState) => T): T {
  return useStore(useStores().wallet, selector);
}
