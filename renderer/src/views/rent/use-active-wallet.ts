import { useStoreState } from '../../app/store-hooks';

/**
 * The active wallet's address; null when there is none yet, undefined while the wallet
 * is loading. Renting lists and pays with the active wallet, so without one the leases
 * and receipts have nothing to show.
 */
export function useActiveWallet(): string | null | undefined {
  const loading = useStoreState('wallet', (s) => s.loading);
  const address = useStoreState('wallet', (s) => s.wallet?.activeAddress ?? null);
  return loading ? undefined : address;
}
