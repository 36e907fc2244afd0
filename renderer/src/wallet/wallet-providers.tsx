import { useMemo } from 'react';
import type { ReactNode } from 'react';
import { ConnectionProvider, WalletProvider } from '@solana/wallet-adapter-react';
import type { Adapter } from '@solana/wallet-adapter-base';
import { SigningConfirmDialog } from './signing-confirm-dialog';
import { WalletSetupDialog } from './wallet-setup-dialog';
import { useStoreState } from '../app/store-hooks';

// Wallet Standard wallets (ours and any extension's) are found by the provider itself.
const NO_LEGACY_ADAPTERS: Adapter[] = [];
// Only for the adapter's own Connection object, which this UI never uses: balances and
// sending go through main. A placeholder until the network is known.
const PLACEHOLDER_ENDPOINT = 'http://127.0.0.1:8899';

/**
 * wallet-adapter-react around the whole app, so every view can use its hooks, plus the
 * two dialogs any view may need: confirming a signature, and setting up the wallet.
 */
export function WalletProviders({ children }: { children: ReactNode }) {
  const rpcUrl = useStoreState('wallet', (s) => s.network?.rpcUrl || PLACEHOLDER_ENDPOINT);
  const config = useMemo(() => ({ commitment: 'confirmed' as const }), []);
  return (
    <ConnectionProvider endpoint={rpcUrl} config={config}>
      <WalletProvider wallets={NO_LEGACY_ADAPTERS} autoConnect onError={() => undefined}>
        {children}
        <SigningConfirmDialog />
        <WalletSetupDialog />
      </WalletProvider>
    </ConnectionProvider>
  );
}
