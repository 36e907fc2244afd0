import { registerWallet } from '@wallet-standard/wallet';
import type { ApiClient } from '../../../common/api/client';
import type { WalletStore } from '../stores/wallet-store';
import { LocalWallet } from './local-wallet';

/**
 * Announces this machine's wallet on the Wallet Standard registry (window events), where
 * wallet-adapter-react finds it next to any extension wallets. Called once from main.tsx.
 */
export function registerLocalWallet(client: ApiClient, store: WalletStore): LocalWallet {
  const wallet = new LocalWallet(client, store);
  registerWallet(wallet);
  return wallet;
}
