import { useStore } from 'zustand';
import { useStores } from '../../app/store-hooks';

/**
 * The active wallet's address; null when there is none yet, undefined while the wallet
 * is loading. Renting lists and pays with the active wallet, so without one the leases
 * and receipts have nothing to show.
 */
export function useActiveWallet(): string | null | undefined {
  const loading = useStore(useStores().wallet, (s) => s.loading);
  const address = useStore(useStores().wallet, (s) => s.wallet?.activeAddress ?? null);
  return loading ? undefined : address;
}
