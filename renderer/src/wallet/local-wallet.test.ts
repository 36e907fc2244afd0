import { describe, expect, it } from 'vitest';
import { SolanaSignMessage, SolanaSignTransaction } from '@solana/wallet-standard-features';
import type { SolanaSignMessageFeature, SolanaSignTransactionFeature } from '@solana/wallet-standard-features';
import { StandardConnect, StandardDisconnect, StandardEvents } from '@wallet-standard/features';
import type { StandardConnectFeature, StandardEventsFeature } from '@wallet-standard/features';
import { isWalletAdapterCompatibleStandardWallet } from '@solana/wallet-adapter-base';
import type { NetworkInfo } from '../../../common/wallet/network';
import type { WalletState } from '../../../common/wallet/wallet-types';
import { ScriptedApiClient, settle } from '../stores/scripted-api-client';
import { createWalletStore } from '../stores/wallet-store';
import { toBase64 } from './base64';
import { LocalWallet } from './local-wallet';

const A = '7xKXtg2CW87d97TXJSDpbD5jBkheTqA83TZRuJosgAsU';
const B = 'CLwhwzPPhQ5EHGADiDf59bMwAd5q92bSii5Uh4VYdMaQ';
const network: NetworkInfo = { kind: 'sandbox', label: 'Sandbox', rpcUrl: '', token: 'USDC', mint: 'M', decimals: 6, status: 'ready', error: null, faucet: true };
const state = (active: string | null, locked = false): WalletState => ({
  wallets: [A, B].map((address, i) => ({ address, label: `W${i}`, createdAtMs: i, protection: 'os-keychain', usable: true, problem: null })),
  activeAddress: active,
  protection: 'os-keychain',
  locked,
  passphraseSet: true,
  autoLockMs: null,
  damagedFiles: [],
});

async function setUp(initial: WalletState) {
  const client = new ScriptedApiClient()
    .answer('wallet:list', () => initial)
    .answer('network:get', () => network)
    .answer('wallet:pending-confirmations', () => [])
    .answer('wallet:balances', () => ({ address: A, network: 'sandbox' as const, lamports: '0', token: 'USDC', tokenAmount: '0', decimals: 6, mint: 'M', tokenAccount: 'T', updatedAtMs: 1 }))
    .answer('wallet:transactions', () => [])
    .answer('wallet:sign-transaction', (p) => ({ signedTransaction: toBase64(new Uint8Array([9, ...atobBytes(p.transaction)])) }))
    .answer('wallet:sign-message', () => ({ signature: toBase64(new Uint8Array(64).fill(1)) }));
  const store = createWalletStore(client);
  store.getState().start();
  await settle();
  await settle();
  return { client, store, wallet: new LocalWallet(client, store) };
}

function atobBytes(text: string): number[] {
  return Array.from(atob(text), (c) => c.charCodeAt(0));
}

describe('the local wallet on the Wallet Standard', () => {
  it('is a wallet the Solana wallet adapter can use', async () => {
    const { wallet } = await setUp(state(A));
    expect(isWalletAdapterCompatibleStandardWallet(wallet)).toBe(true);
    expect(Object.keys(wallet.features)).toEqual(expect.arrayContaining([StandardConnect, StandardDisconnect, StandardEvents, SolanaSignTransaction, SolanaSignMessage]));
    expect((wallet.features as unknown as SolanaSignTransactionFeature)[SolanaSignTransaction].supportedTransactionVersions).toEqual(['legacy', 0]);
  });

  it('connects as the active vault wallet on the network’s chain, and follows a switch', async () => {
    const { client, wallet } = await setUp(state(A));
    expect(wallet.accounts).toEqual([]);
    const changes: string[][] = [];
    (wallet.features as unknown as StandardEventsFeature)[StandardEvents].on('change', ({ accounts }) => changes.push((accounts ?? []).map((a) => a.address)));
    const { accounts } = await (wallet.features as unknown as StandardConnectFeature)[StandardConnect].connect();
    expect(accounts.map((a) => [a.address, a.chains])).toEqual([[A, ['solana:localnet']]]);
    expect(accounts[0]?.publicKey).toHaveLength(32);
    client.emit('wallet:changed', state(B));
    expect(changes).toEqual([[A], [B]]);
  });

  it('does not connect silently while locked, so auto-connect never opens a dialog', async () => {
    const { store, wallet } = await setUp(state(A, true));
    const { accounts } = await (wallet.features as unknown as StandardConnectFeature)[StandardConnect].connect({ silent: true });
    expect(accounts).toEqual([]);
    expect(store.getState().setupRequested).toBe(false);
  });

  it('auto-connects as the remembered wallet even when asked before the vault has answered', async () => {
    let answer: (s: WalletState) => void = () => undefined;
    const client = new ScriptedApiClient()
      .answer('wallet:list', () => new Promise<WalletState>((resolve) => (answer = resolve)))
      .answer('network:get', () => network)
      .answer('wallet:pending-confirmations', () => [])
      .answer('wallet:balances', () => ({ address: A, network: 'sandbox' as const, lamports: '0', token: 'USDC', tokenAmount: '0', decimals: 6, mint: 'M', tokenAccount: 'T', updatedAtMs: 1 }))
      .answer('wallet:transactions', () => []);
    const store = createWalletStore(client);
    store.getState().start();
    const wallet = new LocalWallet(client, store);
    // The adapter's auto-connect on page load: the store is still loading.
    const connecting = (wallet.features as unknown as StandardConnectFeature)[StandardConnect].connect({ silent: true });
    await settle();
    answer(state(A));
    const { accounts } = await connecting;
    expect(accounts.map((a) => a.address)).toEqual([A]);
  });

  it('signs through main only, for the connected account', async () => {
    const { client, wallet } = await setUp(state(A));
    const features = wallet.features as unknown as SolanaSignTransactionFeature & SolanaSignMessageFeature & StandardConnectFeature;
    const [account] = (await features[StandardConnect].connect()).accounts;
    const [signed] = await features[SolanaSignTransaction].signTransaction({ account: account!, transaction: new Uint8Array([1, 2, 3]) });
    expect(Array.from(signed!.signedTransaction)).toEqual([9, 1, 2, 3]);
    expect(client.callsOf('wallet:sign-transaction')).toEqual([{ address: A, transaction: 'AQID' }]);
    const [message] = await features[SolanaSignMessage].signMessage({ account: account!, message: new TextEncoder().encode('hi') });
    expect(message!.signature).toHaveLength(64);

    const stranger = { ...account!, address: B };
    await expect(features[SolanaSignMessage].signMessage({ account: stranger, message: new Uint8Array([1]) })).rejects.toThrow(/not connected/);
    expect(client.callsOf('wallet:sign-message')).toHaveLength(1);
  });
});
