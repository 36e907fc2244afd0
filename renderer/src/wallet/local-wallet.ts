import { getAddressEncoder } from '@solana/kit';
import { SolanaSignMessage, SolanaSignTransaction } from '@solana/wallet-standard-features';
import type {
  SolanaSignMessageFeature,
  SolanaSignMessageMethod,
  SolanaSignTransactionFeature,
  SolanaSignTransactionMethod,
} from '@solana/wallet-standard-features';
import type { IdentifierString, Wallet, WalletAccount, WalletIcon } from '@wallet-standard/base';
import { StandardConnect, StandardDisconnect, StandardEvents } from '@wallet-standard/features';
import type {
  StandardConnectFeature,
  StandardConnectMethod,
  StandardDisconnectFeature,
  StandardDisconnectMethod,
  StandardEventsFeature,
  StandardEventsListeners,
  StandardEventsNames,
  StandardEventsOnMethod,
} from '@wallet-standard/features';
import { ReadonlyWalletAccount } from '@wallet-standard/wallet';
import type { ApiClient } from '../../../common/api/client';
import type { NetworkKind } from '../../../common/wallet/network';
import type { WalletStore } from '../stores/wallet-store';
import { fromBase64, toBase64 } from './base64';

/** How long a connect waits for the vault's first answer before it answers with what it has. */
const LOAD_WAIT_MS = 10_000;

/**
 * This machine's Idlegrid wallet as a Wallet Standard wallet, so @solana/wallet-adapter
 * lists it beside browser-extension wallets and the app uses the adapter's hooks for all
 * of them. It holds no key: `connect` answers with the vault's active address, and every
 * signing method is an API call that main carries out after the user confirms it in the
 * confirmation dialog.
 */
export const LOCAL_WALLET_NAME = 'Idlegrid';

const CHAIN_BY_NETWORK: Record<NetworkKind, IdentifierString> = {
  sandbox: 'solana:localnet',
  grid: 'solana:localnet',
  devnet: 'solana:devnet',
  mainnet: 'solana:mainnet',
  custom: 'solana:localnet',
};

const ICON: WalletIcon =
  'data:image/svg+xml;base64,PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciIHZpZXdCb3g9IjAgMCAzMiAzMiI+PHJlY3Qgd2lkdGg9IjMyIiBoZWlnaHQ9IjMyIiByeD0iOCIgZmlsbD0iIzBlMTExNSIvPjxwYXRoIGQ9Ik04IDhoNnY2SDh6TTE4IDhoNnY2aC02ek04IDE4aDZ2Nkg4ek0xOCAxOGg2djZoLTZ6IiBmaWxsPSIjMmRkNGJmIi8+PC9zdmc+';

const addressEncoder = getAddressEncoder();

export class LocalWallet implements Wallet {
  readonly version = '1.0.0' as const;
  readonly name = LOCAL_WALLET_NAME;
  readonly icon = ICON;
  readonly chains: IdentifierString[] = ['solana:localnet', 'solana:devnet', 'solana:mainnet'];
  private connectedAddress: string | null = null;
  private readonly listeners: { [E in StandardEventsNames]?: Set<StandardEventsListeners[E]> } = {};

  constructor(
    private readonly client: ApiClient,
    private readonly store: WalletStore,
  ) {
    // The active wallet or the network changed in main: connected pages see the new account.
    store.subscribe((state, previous) => {
      if (!this.connectedAddress) return;
      const active = state.wallet?.activeAddress ?? null;
      const networkChanged = state.network?.kind !== previous.network?.kind;
      if (active !== this.connectedAddress || networkChanged) {
        this.connectedAddress = active;
        this.emitChange();
      }
    });
  }

  get accounts(): readonly WalletAccount[] {
    if (!this.connectedAddress) return [];
    const network = this.store.getState().network?.kind ?? 'sandbox';
    return [
      new ReadonlyWalletAccount({
        address: this.connectedAddress,
        publicKey: new Uint8Array(addressEncoder.encode(this.connectedAddress as Parameters<typeof addressEncoder.encode>[0])),
        chains: [CHAIN_BY_NETWORK[network]],
        features: [SolanaSignTransaction, SolanaSignMessage],
        label: this.store.getState().wallet?.wallets.find((w) => w.address === this.connectedAddress)?.label,
      }),
    ];
  }

  get features(): StandardConnectFeature & StandardDisconnectFeature & StandardEventsFeature & SolanaSignTransactionFeature & SolanaSignMessageFeature {
    return {
      [StandardConnect]: { version: '1.0.0', connect: this.connect },
      [StandardDisconnect]: { version: '1.0.0', disconnect: this.disconnect },
      [StandardEvents]: { version: '1.0.0', on: this.on },
      [SolanaSignTransaction]: { version: '1.0.0', supportedTransactionVersions: ['legacy', 0], signTransaction: this.signTransaction },
      [SolanaSignMessage]: { version: '1.0.0', signMessage: this.signMessage },
    };
  }

  /**
   * A silent connect (auto-connect on load) never opens the setup dialog. It waits for the
   * vault's first answer: the adapter auto-connects before the store has loaded, and a
   * connect with no account made it forget the remembered wallet on every reload.
   */
  private readonly connect: StandardConnectMethod = async (input) => {
    await this.loaded();
    const state = this.store.getState();
    let address = state.wallet && !state.wallet.locked ? state.wallet.activeAddress : null;
    if (!address && !input?.silent) address = await this.store.getState().requireReadyWallet();
    if (address && address !== this.connectedAddress) {
      this.connectedAddress = address;
      this.emitChange();
    }
    return { accounts: this.accounts };
  };

  /** Resolves once the wallet store has loaded (or failed to), at most `LOAD_WAIT_MS` later. */
  private loaded(): Promise<void> {
    if (!this.store.getState().loading) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        off();
        resolve();
      };
      const timer = setTimeout(done, LOAD_WAIT_MS);
      const off = this.store.subscribe((s) => {
        if (!s.loading) done();
      });
    });
  }

  private readonly disconnect: StandardDisconnectMethod = async () => {
    if (!this.connectedAddress) return;
    this.connectedAddress = null;
    this.emitChange();
  };

  private readonly on: StandardEventsOnMethod = (event, listener) => {
    const set = (this.listeners[event] ??= new Set()) as Set<typeof listener>;
    set.add(listener);
    return () => set.delete(listener);
  };

  private readonly signTransaction: SolanaSignTransactionMethod = async (...inputs) => {
    const outputs = [];
    for (const input of inputs) {
      this.assertConnected(input.account.address);
      const { signedTransaction } = await this.client.call('wallet:sign-transaction', {
        address: input.account.address,
        transaction: toBase64(input.transaction),
      });
      outputs.push({ signedTransaction: fromBase64(signedTransaction) });
    }
    return outputs;
  };

  private readonly signMessage: SolanaSignMessageMethod = async (...inputs) => {
    const outputs = [];
    for (const input of inputs) {
      this.assertConnected(input.account.address);
      const { signature } = await this.client.call('wallet:sign-message', { address: input.account.address, message: toBase64(input.message) });
      outputs.push({ signedMessage: input.message, signature: fromBase64(signature), signatureType: 'ed25519' as const });
    }
    return outputs;
  };

  private assertConnected(address: string): void {
    if (address !== this.connectedAddress) throw new Error(`${address} is not connected to this page; connect it first.`);
  }

  private emitChange(): void {
    for (const listener of this.listeners.change ?? []) listener({ accounts: this.accounts });
  }
}
