import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  appendTransactionMessageInstructions,
  compileTransaction,
  createTransactionMessage,
  generateKeyPairSigner,
  getBase64EncodedWireTransaction,
  getPublicKeyFromAddress,
  getTransactionDecoder,
  lamports,
  pipe,
  setTransactionMessageFeePayer,
  setTransactionMessageLifetimeUsingBlockhash,
  verifySignature,
} from '@solana/kit';
import type { Address, SignatureBytes } from '@solana/kit';
import { getTransferSolInstruction } from '@solana-program/system';
import type Database from 'better-sqlite3';
import type { ApiCallName, ApiParams, ApiResult } from '../../common/api/contract';
import { ApiError } from '../../common/api/errors';
import type { SigningRequest } from '../../common/wallet/wallet-types';
import { USDC as USDC_TOKEN } from '../../common/money/token-registry';
import { formatPaymentMemo } from '../../common/money/payment-memo';
import { openLedgerDb } from '../ledger/ledger-db';
import { SettingsStore } from '../settings/settings-store';
import { ApiDispatcher } from '../transport/api-dispatcher';
import type { ApiHandlers } from '../transport/api-handlers';
import { PassphraseKeyProtection } from './passphrase-key-protection';
import { createWalletModule } from './wallet-module';
import type { WalletModule } from './wallet-module';
import { silentLogger } from '../../common/logger';
import { gpuReleaseMessage } from '../../common/hub/gpu-release';
import { verifyWalletSignature } from '../../solana/wallet-signature';
import { createStderrLogger } from '../logging/file-logger';

// Integration: the wallet domain as the composition root builds it — real vault files,
// real ledger.db, the embedded sandbox chain on loopback — driven through the API
// dispatcher (so every call's params pass its zod schema), with the UI's part played by
// listeners that answer `wallet:confirm-request`.

const PASSPHRASE = 'a long enough passphrase';
const SOL = 1_000_000_000n;
const USDC = 1_000_000n;

describe('wallet module through the API', () => {
  let dataDir: string;
  let db: Database.Database;
  let settings: SettingsStore;
  let wallet: WalletModule;
  let dispatcher: ApiDispatcher;
  let requests: SigningRequest[];
  /** How the "UI" answers each confirmation request; null leaves it unanswered. */
  let answer: ((request: SigningRequest) => boolean | null) | null;

  async function build() {
    db = openLedgerDb(join(dataDir, 'ledger.db'));
    settings = new SettingsStore(db, Date.now);
    wallet = createWalletModule({
      dataDir,
      logger: createStderrLogger(),
      ledgerDb: db,
      settings,
      keyProtection: new PassphraseKeyProtection({ file: join(dataDir, 'wallets', 'passphrase.json'), scrypt: { N: 2 ** 14, r: 8, p: 1 } }),
      sandboxSlotIntervalMs: 0,
    });
    dispatcher = new ApiDispatcher(wallet.handlers as unknown as ApiHandlers, silentLogger);
    wallet.approvals.onDidRequest((request) => {
      requests.push(request);
      const approved = answer?.(request);
      if (approved !== null && approved !== undefined) {
        // Answer the way the UI does: a separate call, after the event.
        // Headless: approving needs the wallet passphrase again (issue 14.2).
        setImmediate(() => void call('wallet:confirm', { id: request.id, approved, ...(approved ? { passphrase: PASSPHRASE } : {}) }));
      }
    });
    await wallet.start();
  }

  async function call<N extends ApiCallName>(name: N, params: ApiParams<N>): Promise<ApiResult<N>> {
    const outcome = await dispatcher.dispatch(name, params);
    if (!outcome.ok) throw ApiError.fromShape(outcome.error);
    return outcome.result as ApiResult<N>;
  }

  async function failure(promise: Promise<unknown>): Promise<ApiError> {
    try {
      await promise;
    } catch (error) {
      if (error instanceof ApiError) return error;
      throw error;
    }
    throw new Error('expected the call to fail');
  }

  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'idlegrid-wallet-'));
    requests = [];
    answer = () => true;
    await build();
  });

  afterEach(async () => {
    await wallet.dispose();
    db.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function setUpTwoWallets() {
    expect((await call('wallet:list', {})).passphraseSet).toBe(false);
    expect((await failure(call('wallet:create', {}))).message).toMatch(/Choose a wallet passphrase/);
    await call('wallet:unlock', { passphrase: PASSPHRASE });
    const renter = await call('wallet:create', { label: 'Renter' });
    const supplier = await call('wallet:create', { label: 'Supplier' });
    await call('wallet:select', { address: renter.address });
    await call('wallet:faucet', {});
    return { renter, supplier };
  }

  it('signs a release of GPUs to a new owner after one confirmation; the hub\'s check accepts it for that owner only (issue 14.3)', async () => {
    await call('wallet:unlock', { passphrase: PASSPHRASE });
    const seller = await call('wallet:create', { label: 'Seller' });
    const buyer = await call('wallet:create', { label: 'Buyer' });
    const other = await call('wallet:create', { label: 'Other' });
    const uuids = ['GPU-11111111-aaaa', 'GPU-22222222-bbbb'];
    const releases = await wallet.service.signGpuReleases(seller.address, uuids, buyer.address);
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({ kind: 'message', walletAddress: seller.address, purpose: `Release 2 GPUs of this machine to ${buyer.address} (no money moves)` });
    expect(releases.map((r) => r.uuid)).toEqual(uuids);
    for (const r of releases) {
      expect(verifyWalletSignature(seller.address, new TextEncoder().encode(gpuReleaseMessage(r.uuid, buyer.address)), r.signature)).toBe(true);
      // Not a release to anyone else, and not from anyone else.
      expect(verifyWalletSignature(seller.address, new TextEncoder().encode(gpuReleaseMessage(r.uuid, other.address)), r.signature)).toBe(false);
      expect(verifyWalletSignature(other.address, new TextEncoder().encode(gpuReleaseMessage(r.uuid, buyer.address)), r.signature)).toBe(false);
    }
    // Declined: nothing is signed.
    answer = () => false;
    await expect(wallet.service.signGpuReleases(seller.address, uuids, other.address)).rejects.toBeInstanceOf(ApiError);
    expect(requests).toHaveLength(2);
    await expect(wallet.service.signGpuReleases(seller.address, uuids, seller.address)).rejects.toMatchObject({ reason: 'release_to_self' });
  });

  it('creates wallets, uses the faucet, sends USDC after confirmation, and lists what happened', async () => {
    const network = await call('network:get', {});
    expect(network).toMatchObject({ kind: 'sandbox', label: 'Sandbox', status: 'ready', faucet: true });
    const { renter, supplier } = await setUpTwoWallets();

    const before = await call('wallet:balances', {});
    expect(before).toMatchObject({ address: renter.address, network: 'sandbox', lamports: (2n * SOL).toString(), token: 'USDC', tokenAmount: (1000n * USDC).toString(), mint: network.mint });

    const sent = await call('wallet:send', { to: supplier.address, token: 'USDC', amount: (250n * USDC).toString() });
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({
      kind: 'send',
      walletAddress: renter.address,
      network: 'sandbox',
      purpose: `Send 250 USDC to ${supplier.address}`,
      transfers: [{ token: 'USDC', amount: '250000000', decimals: 6, recipient: supplier.address }],
    });
    expect(requests[0]?.warnings.join(' ')).toMatch(/no USDC account yet/);
    expect((await call('wallet:balances', { address: supplier.address })).tokenAmount).toBe('250000000');
    expect((await call('wallet:balances', {})).tokenAmount).toBe('750000000');

    const history = await call('wallet:transactions', { limit: 10 });
    const send = history.find((t) => t.signature === sent.signature);
    expect(send).toMatchObject({ tokenChange: '-250000000', counterparty: supplier.address, purpose: `Send 250 USDC to ${supplier.address}` });
    expect(history.filter((t) => t.purpose === 'Sandbox faucet')).toHaveLength(2);
  });

  it('refuses an API caller approving its own send without the passphrase (issue 14.2)', async () => {
    const { supplier } = await setUpTwoWallets();
    answer = null;
    const sending = call('wallet:send', { to: supplier.address, token: 'SOL', amount: (SOL / 2n).toString() });
    const outcome = sending.then(() => 'sent', (error: ApiError) => error.reason);
    for (let i = 0; i < 100 && requests.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    const id = requests[0]!.id;
    // The caller that asked (a compromised UI, a leaked cookie) answers its own request.
    const bare = await failure(call('wallet:confirm', { id, approved: true }));
    expect([bare.code, bare.reason]).toEqual(['forbidden', 'passphrase_required']);
    const wrong = await failure(call('wallet:confirm', { id, approved: true, passphrase: 'not the passphrase' }));
    expect([wrong.code, wrong.reason]).toEqual(['forbidden', 'passphrase_wrong']);
    expect((await call('wallet:pending-confirmations', {})).map((r) => r.id)).toEqual([id]);
    expect((await call('wallet:balances', { address: supplier.address })).lamports).toBe('0');
    // Declining needs no passphrase; nothing was sent.
    await call('wallet:confirm', { id, approved: false });
    expect(await outcome).toBe('signing_declined');
    expect((await call('wallet:balances', { address: supplier.address })).lamports).toBe('0');
  });

  it('sends nothing when the user declines, and asks nothing while locked', async () => {
    const { supplier } = await setUpTwoWallets();
    answer = () => false;
    const declined = await failure(call('wallet:send', { to: supplier.address, token: 'SOL', amount: (SOL / 2n).toString() }));
    expect(declined.code).toBe('forbidden');
    expect(declined.message).toMatch(/You declined/);
    expect((await call('wallet:balances', { address: supplier.address })).lamports).toBe('0');

    await call('wallet:lock', {});
    requests = [];
    const locked = await failure(call('wallet:send', { to: supplier.address, token: 'SOL', amount: '1000' }));
    expect(locked.message).toMatch(/locked/);
    expect(requests).toHaveLength(0);
    expect(await call('wallet:pending-confirmations', {})).toEqual([]);
  });

  it('auto-approves lease payments only inside the budget and only when auto-pay is on', async () => {
    const { supplier } = await setUpTwoWallets();
    const mint = (await call('network:get', {})).mint as Address;
    const references: string[] = [];
    const payment = async (increment: number) => {
      const reference = (await generateKeyPairSigner()).address;
      references[increment] = reference;
      return wallet.service.pay({ recipient: supplier.address as Address, mint, token: USDC_TOKEN, amount: 2n * USDC, reference, leaseId: 'lease-9', increment, memo: formatPaymentMemo('test-hub', 'lease-9', increment) });
    };
    wallet.budgets.grant('lease-9', 5n * USDC);

    // Auto-pay off: a budget alone does not skip the question.
    expect((await payment(0)).autoApproved).toBe(false);
    expect(requests.map((r) => r.kind)).toEqual(['payment']);

    settings.update({ autoPayEnabled: true });
    requests = [];
    const first = await payment(1);
    const second = await payment(2);
    expect([first.autoApproved, second.autoApproved]).toEqual([true, true]);
    expect(requests).toHaveLength(0);
    const third = await payment(3); // 6 USDC would exceed the 5 USDC budget
    expect(third.autoApproved).toBe(false);
    // Wire increment 3 is the fourth: people count from 1.
    expect(requests.map((r) => r.purpose)).toEqual([`Pay lease lease-9, increment 4: 2 USDC to ${supplier.address}`]);

    // The supplier's side: each payment verifies and is credited once.
    const verifier = wallet.paymentVerifier();
    const expected = { signature: second.signature, recipient: supplier.address, mint, amount: 2n * USDC, reference: references[2] ?? '', memo: formatPaymentMemo('test-hub', 'lease-9', 2) };
    expect(await verifier.verifyAndCredit(expected, { network: 'sandbox', leaseId: 'lease-9', increment: 2 })).toMatchObject({ ok: true, receivedAmount: 2n * USDC });
    // Asked again for the same increment: settled (the same answer); for another increment: refused.
    expect(await verifier.verifyAndCredit(expected, { network: 'sandbox', leaseId: 'lease-9', increment: 2 })).toMatchObject({ ok: true, receivedAmount: 2n * USDC });
    expect(await verifier.verifyAndCredit({ ...expected, memo: formatPaymentMemo('test-hub', 'lease-9', 3) }, { network: 'sandbox', leaseId: 'lease-9', increment: 3 })).toMatchObject({ ok: false, reason: 'credited_elsewhere' });
    expect(wallet.budgets.get('lease-9')).toMatchObject({ spent: 4n * USDC });
  });

  it('signs for the Wallet Standard bridge only what the user approved, and refuses disguised transactions', async () => {
    const { renter, supplier } = await setUpTwoWallets();
    const client = wallet.network.client();
    const lifetime = await client.latestBlockhash();
    const message = pipe(
      createTransactionMessage({ version: 0 }),
      (m) => setTransactionMessageFeePayer(renter.address as Address, m),
      (m) => setTransactionMessageLifetimeUsingBlockhash(lifetime, m),
      (m) => appendTransactionMessageInstructions([getTransferSolInstruction({ source: { address: renter.address } as never, destination: supplier.address as Address, amount: lamports(SOL / 4n) })], m),
    );
    const unsigned = compileTransaction(message);
    const { signedTransaction } = await call('wallet:sign-transaction', { address: renter.address, transaction: getBase64EncodedWireTransaction(unsigned) });
    expect(requests.at(-1)).toMatchObject({
      kind: 'transaction',
      origin: 'wallet-standard',
      transfers: [{ token: 'SOL', amount: (SOL / 4n).toString(), recipient: supplier.address }],
      feeLamports: '5000',
    });
    const signed = getTransactionDecoder().decode(Buffer.from(signedTransaction, 'base64'));
    await client.send(signed as never);
    expect((await call('wallet:balances', { address: supplier.address })).lamports).toBe((SOL / 4n).toString());

    const text = 'Sign in to the Idlegrid hub. Nonce: 8d1c. Expires: 2030-01-01T00:00:00Z';
    const { signature } = await call('wallet:sign-message', { address: renter.address, message: Buffer.from(text).toString('base64') });
    expect(requests.at(-1)).toMatchObject({ kind: 'message', message: text, transfers: [] });
    const publicKey = await getPublicKeyFromAddress(renter.address as Address);
    expect(await verifySignature(publicKey, new Uint8Array(Buffer.from(signature, 'base64')) as SignatureBytes, new TextEncoder().encode(text))).toBe(true);

    const before = requests.length;
    const disguised = await failure(call('wallet:sign-message', { address: renter.address, message: Buffer.from(unsigned.messageBytes).toString('base64') }));
    expect(disguised.message).toMatch(/transaction in disguise/);
    expect(requests.length).toBe(before);
  });

  it('keeps wallets and balances across a restart of the app and its sandbox chain', async () => {
    const { renter } = await setUpTwoWallets();
    const mint = (await call('network:get', {})).mint;
    await wallet.dispose();
    db.close();

    await build();
    const state = await call('wallet:list', {});
    expect(state).toMatchObject({ locked: true, passphraseSet: true, activeAddress: renter.address });
    expect((await call('network:get', {})).mint).toBe(mint);
    const balances = await call('wallet:balances', {});
    expect(balances).toMatchObject({ lamports: (2n * SOL).toString(), tokenAmount: (1000n * USDC).toString() });
    expect((await failure(call('wallet:unlock', { passphrase: 'not the passphrase' }))).message).toMatch(/Wrong passphrase/);
  });

  it('switches networks from the settings: an unreachable custom RPC is reported, and the sandbox comes back', async () => {
    const sandboxMint = (await call('network:get', {})).mint;
    expect((await failure(call('network:set', { kind: 'custom', rpcUrl: 'ftp://example', usdcMint: sandboxMint }))).code).toBe('invalid_params');

    const port = await closedPort();
    const custom = await call('network:set', { kind: 'custom', rpcUrl: `http://127.0.0.1:${port}`, usdcMint: sandboxMint });
    expect(custom).toMatchObject({ kind: 'custom', label: 'Custom', status: 'error', faucet: false });
    expect(custom.error).toMatch(/Could not reach/);
    expect(settings.get()).toMatchObject({ network: 'custom', customRpcUrl: `http://127.0.0.1:${port}` });
    await call('wallet:unlock', { passphrase: PASSPHRASE });
    await call('wallet:create', {});
    expect((await failure(call('wallet:faucet', {}))).code).toBe('unavailable');

    const back = await call('network:set', { kind: 'sandbox' });
    expect(back).toMatchObject({ kind: 'sandbox', status: 'ready', mint: sandboxMint });
  });

  it('does not switch to a private grid whose hub does not answer: it says why and stays where it was', async () => {
    const before = await call('network:get', {});
    expect(before).toMatchObject({ kind: 'sandbox', status: 'ready' });
    const port = await closedPort();
    const refused = await failure(call('network:set', { kind: 'grid', hubUrl: `http://127.0.0.1:${port}` }));
    expect(refused.code).toBe('unavailable');
    expect(refused.message).toMatch(new RegExp(`Not switched to the private grid at http://127\\.0\\.0\\.1:${port}: .* The app stays on Sandbox\\.`));
    expect(settings.get().network).toBe('sandbox');
    expect(await call('network:get', {})).toMatchObject({ kind: 'sandbox', status: 'ready', mint: before.mint });
  });
});

/** A loopback port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
