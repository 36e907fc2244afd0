import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../common/api/errors';
import { EXPORT_CONFIRMATION } from '../../../common/api/wallet';
import type { NetworkInfo } from '../../../common/wallet/network';
import type { SigningRequest, WalletBalances, WalletState } from '../../../common/wallet/wallet-types';
import { ScriptedApiClient, settle } from './scripted-api-client';
import { createWalletStore, SANDBOX_RENTER_LABEL } from './wallet-store';

const A = '7xKXtg2CW87d97TXJSDpbD5jBkheTqA83TZRuJosgAsU';
const B = 'CLwhwzPPhQ5EHGADiDf59bMwAd5q92bSii5Uh4VYdMaQ';

const network: NetworkInfo = { kind: 'sandbox', label: 'Sandbox', rpcUrl: 'http://127.0.0.1:1', token: 'USDC', mint: 'M', decimals: 6, status: 'ready', error: null, faucet: true };

function walletState(overrides: Partial<WalletState> = {}): WalletState {
  return {
    wallets: [{ address: A, label: 'Renter', createdAtMs: 1, protection: 'passphrase', usable: true, problem: null }],
    activeAddress: A,
    protection: 'passphrase',
    locked: false,
    passphraseSet: true,
    autoLockMs: 900_000,
    damagedFiles: [],
    ...overrides,
  };
}

function balances(address: string, usdc: string): WalletBalances {
  return { address, network: 'sandbox', lamports: '2000000000', token: 'USDC', tokenAmount: usdc, decimals: 6, mint: 'M', tokenAccount: 'T', updatedAtMs: 1 };
}

function request(id: string): SigningRequest {
  return {
    id,
    kind: 'send',
    walletAddress: A,
    network: 'sandbox',
    purpose: `Send 1 USDC to ${B}`,
    origin: 'app',
    transfers: [{ token: 'USDC', mint: 'M', amount: '1000000', decimals: 6, recipient: B }],
    feeLamports: '5000',
    programs: [],
    memo: null,
    message: null,
    warnings: [],
    approval: 'passphrase',
    createdAtMs: 1,
    expiresAtMs: 120_001,
  };
}

function client(state = walletState()): ScriptedApiClient {
  return new ScriptedApiClient()
    .answer('wallet:list', () => state)
    .answer('network:get', () => network)
    .answer('wallet:pending-confirmations', () => [request('waiting')])
    .answer('wallet:balances', (p) => balances(p.address ?? A, '5000000'))
    .answer('wallet:transactions', () => []);
}

describe('wallet store', () => {
  it('loads the vault, the network, balances and requests already waiting', async () => {
    const store = createWalletStore(client());
    store.getState().start();
    await settle();
    await settle();
    expect(store.getState()).toMatchObject({ loading: false, network, confirmations: [{ id: 'waiting' }] });
    expect(store.getState().balances?.tokenAmount).toBe('5000000');
  });

  it('queues confirmation requests from main and drops them when resolved anywhere', async () => {
    const c = client().answer('wallet:confirm', () => ({ outcome: 'approved' as const }));
    const store = createWalletStore(c);
    store.getState().start();
    await settle();
    c.emit('wallet:confirm-request', request('r1'));
    c.emit('wallet:confirm-request', request('r2'));
    expect(store.getState().confirmations.map((r) => r.id)).toEqual(['waiting', 'r1', 'r2']);
    await store.getState().answer('r1', true, 'the passphrase');
    expect(c.callsOf('wallet:confirm')).toEqual([{ id: 'r1', approved: true, passphrase: 'the passphrase' }]);
    c.emit('wallet:confirm-resolved', { id: 'waiting', outcome: 'expired' });
    expect(store.getState().confirmations.map((r) => r.id)).toEqual(['r2']);
  });

  it('keeps balances of the active wallet only, and reloads when the active wallet changes', async () => {
    let active = A;
    const c = client().answer('wallet:balances', (p) => balances(p.address ?? active, '5000000'));
    const store = createWalletStore(c);
    store.getState().start();
    await settle();
    c.emit('wallet:balances', balances(B, '1'));
    expect(store.getState().balances?.address).toBe(A);
    active = B;
    c.emit('wallet:changed', walletState({ activeAddress: B }));
    await settle();
    expect(store.getState().balances?.address).toBe(B);
  });

  it('sends base units as given and reports main’s refusal as it was worded', async () => {
    const c = client().answer('wallet:send', () => {
      throw new ApiError('forbidden', `You declined: Send 1 USDC to ${B}. Nothing was signed.`);
    });
    const store = createWalletStore(c);
    expect(await store.getState().send(B, 'USDC', '1000000')).toBeNull();
    expect(c.callsOf('wallet:send')).toEqual([{ to: B, token: 'USDC', amount: '1000000' }]);
    expect(store.getState().error).toBe(`You declined: Send 1 USDC to ${B}. Nothing was signed.`);
    expect(store.getState().busy).toBeNull();
  });

  it('exports only with the confirmation words, and the passphrase when given', async () => {
    const c = client().answer('wallet:export', () => ({ path: '/x', format: 'base58' as const, warning: 'w' }));
    const store = createWalletStore(c);
    await store.getState().exportKey(A, 'base58', 'secret words');
    expect(c.callsOf('wallet:export')).toEqual([{ address: A, format: 'base58', confirm: EXPORT_CONFIRMATION, passphrase: 'secret words' }]);
  });

  it('makes a connect wait for setup, and answers it once a wallet is unlocked and active', async () => {
    const c = client(walletState({ locked: true }));
    const store = createWalletStore(c);
    store.getState().start();
    await settle();
    let connected: string | null = null;
    void store.getState().requireReadyWallet().then((address) => (connected = address));
    expect(store.getState().setupRequested).toBe(true);
    c.emit('wallet:changed', walletState());
    await settle();
    expect(connected).toBe(A);
    expect(store.getState().setupRequested).toBe(false);

    const closed = createWalletStore(client(walletState({ wallets: [], activeAddress: null })));
    await closed.getState().load();
    const waiting = closed.getState().requireReadyWallet();
    closed.getState().setupDone(false);
    await expect(waiting).rejects.toThrow(/No wallet was connected/);
  });

  it('on Sandbox, makes a separate renter wallet in one step: created, made active and funded; the second time it is reused, not made again', async () => {
    const renter = { address: B, label: SANDBOX_RENTER_LABEL, createdAtMs: 2, protection: 'passphrase' as const, usable: true, problem: null };
    let state = walletState();
    let funded = '0';
    const c = new ScriptedApiClient()
      .answer('wallet:list', () => state)
      .answer('network:get', () => network)
      .answer('wallet:pending-confirmations', () => [])
      .answer('wallet:transactions', () => [])
      .answer('wallet:balances', (p) => balances(p.address ?? state.activeAddress!, state.activeAddress === B ? funded : '5000000'))
      .answer('wallet:create', () => {
        state = { ...state, wallets: [...state.wallets, renter] };
        return renter;
      })
      .answer('wallet:select', (p) => (state = { ...state, activeAddress: p.address }))
      .answer('wallet:faucet', () => {
        funded = '1000000000';
        return { signatures: ['f'], lamports: '1', usdc: funded };
      });
    const store = createWalletStore(c);
    store.getState().start();
    await settle();
    expect(await store.getState().useSandboxRenter()).toBe(true);
    expect(c.callsOf('wallet:create')).toEqual([{ label: SANDBOX_RENTER_LABEL }]);
    expect(c.callsOf('wallet:select')).toEqual([{ address: B }]);
    expect(c.callsOf('wallet:faucet')).toHaveLength(1);
    expect(store.getState().wallet?.activeAddress).toBe(B);

    // Back to the first wallet, then again: the same renter wallet, already funded.
    await store.getState().select(A);
    store.setState({ wallet: state });
    expect(await store.getState().useSandboxRenter()).toBe(true);
    expect(c.callsOf('wallet:create')).toHaveLength(1);
    expect(c.callsOf('wallet:faucet')).toHaveLength(1);
    expect(store.getState().wallet?.activeAddress).toBe(B);
  });

  it('refuses to make a renter wallet off Sandbox, saying why', async () => {
    const c = client().answer('network:get', () => ({ ...network, kind: 'devnet' as const, label: 'Devnet', faucet: false }));
    const store = createWalletStore(c);
    store.getState().start();
    await settle();
    expect(await store.getState().useSandboxRenter()).toBe(false);
    expect(store.getState().error).toMatch(/Sandbox network only/);
    expect(c.callsOf('wallet:create')).toEqual([]);
  });
});
