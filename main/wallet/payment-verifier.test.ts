import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccountRole, generateKeyPairSigner, getBase58Decoder, getSignatureFromTransaction, lamports } from '@solana/kit';
import type { Address, Instruction, KeyPairSigner, Signature } from '@solana/kit';
import { getCreateAccountInstruction } from '@solana-program/system';
import {
  TOKEN_PROGRAM_ADDRESS,
  findAssociatedTokenPda,
  getCreateAssociatedTokenIdempotentInstruction,
  getInitializeMint2Instruction,
  getMintSize,
  getMintToCheckedInstruction,
} from '@solana-program/token';
import type Database from 'better-sqlite3';
import { formatPaymentMemo } from '../../common/money/payment-memo';
import { USDC as USDC_TOKEN } from '../../common/money/token-registry';
import { SandboxChainServer } from '../../solana/sandbox/sandbox-chain-server';
import { openLedgerDb } from '../ledger/ledger-db';
import { ChainClient } from '../../solana/rpc/chain-client';
import { CreditedPayments } from './credited-payments';
import { buildPaymentInstructions, buildTokenTransferInstructions, memoInstruction, signInstructions } from '../../solana/payments/payment-builder';
import type { PaymentRequest } from '../../solana/payments/payment-builder';
import { PaymentVerifier } from '../../solana/payments/payment-verifier';
import type { ChainReader, ExpectedPayment } from '../../solana/payments/payment-verifier';
import { TOKEN_2022_PROGRAM } from './transaction-summary';
import { silentLogger } from '../../common/logger';

// Integration: real payments on the sandbox chain over loopback JSON-RPC, built by the
// payment builder, verified through the real RPC client; credits in a real ledger.db.

const USDC = 1_000_000n;
const HUB = 'test-hub';

describe('PaymentVerifier on the sandbox chain', () => {
  let dir: string;
  let server: SandboxChainServer;
  let client: ChainClient;
  let chain: ChainReader;
  let db: Database.Database;
  let credits: CreditedPayments;
  let renter: KeyPairSigner;
  let supplier: KeyPairSigner;
  let usdc: Address;

  const FINALIZATION_DEPTH = 4;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'idlegrid-verify-'));
    server = new SandboxChainServer({ logger: silentLogger, dataDir: join(dir, 'chain'), slotIntervalMs: 0, finalizationDepthSlots: FINALIZATION_DEPTH });
    await server.start();
    client = new ChainClient(server.url);
    chain = {
      transaction: (s, c) => client.transaction(s, c) as ReturnType<ChainReader['transaction']>,
      signatureStatus: (s) => client.signatureStatus(s),
    };
    db = openLedgerDb(join(dir, 'ledger.db'));
    credits = new CreditedPayments(db);
    usdc = server.chain.usdcMint;
    renter = await generateKeyPairSigner();
    supplier = await generateKeyPairSigner();
    await client.sandboxFaucet(renter.address, { lamports: 5_000_000_000n, usdc: 500n * USDC });
  });

  afterAll(async () => {
    db?.close();
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Signs and sends `instructions` from the renter; waits for confirmed. */
  async function submit(instructions: Instruction[], options: { skipPreflight?: boolean } = {}): Promise<Signature> {
    const tx = await signInstructions(renter, await client.latestBlockhash(), instructions);
    await client.send(tx, options);
    return getSignatureFromTransaction(tx);
  }

  let leaseCounter = 0;
  async function request(overrides: Partial<PaymentRequest> = {}): Promise<PaymentRequest> {
    const leaseId = overrides.leaseId ?? `lease-${++leaseCounter}`;
    const increment = overrides.increment ?? 0;
    return {
      recipient: supplier.address,
      mint: usdc,
      token: USDC_TOKEN,
      amount: 2n * USDC,
      reference: (await generateKeyPairSigner()).address,
      leaseId,
      increment,
      memo: formatPaymentMemo(HUB, leaseId, increment),
      ...overrides,
    };
  }

  function expected(req: PaymentRequest, signature: string): ExpectedPayment {
    return {
      signature,
      recipient: req.recipient,
      mint: req.mint,
      amount: req.amount,
      reference: req.reference,
      memo: formatPaymentMemo(HUB, req.leaseId, req.increment),
    };
  }

  const verifier = (options: Partial<ConstructorParameters<typeof PaymentVerifier>[0]> = {}) => new PaymentVerifier({ chain, credits, ...options });

  async function createMint(tokenProgram: Address = TOKEN_PROGRAM_ADDRESS): Promise<Address> {
    const mint = await generateKeyPairSigner();
    const rent = await client.rpc.getMinimumBalanceForRentExemption(BigInt(getMintSize())).send();
    const [ata] = await findAssociatedTokenPda({ owner: renter.address, mint: mint.address, tokenProgram });
    const tx = await signInstructions(renter, await client.latestBlockhash(), [
      getCreateAccountInstruction({ payer: renter, newAccount: mint, lamports: lamports(rent), space: getMintSize(), programAddress: tokenProgram }),
      getInitializeMint2Instruction({ mint: mint.address, decimals: 6, mintAuthority: renter.address }, { programAddress: tokenProgram }),
      getCreateAssociatedTokenIdempotentInstruction({ payer: renter, ata, owner: renter.address, mint: mint.address, tokenProgram }),
      getMintToCheckedInstruction({ mint: mint.address, token: ata, mintAuthority: renter, amount: 100n * USDC, decimals: 6 }, { programAddress: tokenProgram }),
    ]);
    await client.send(tx);
    return mint.address;
  }

  it('accepts a payment built by the payment builder, and credits its signature once, ever, to its own increment', async () => {
    const req = await request();
    const signature = await submit(await buildPaymentInstructions(renter, req));
    const result = await verifier().verify(expected(req, signature));
    expect(result).toMatchObject({ ok: true, receivedAmount: 2n * USDC });

    const credited = await verifier().verifyAndCredit(expected(req, signature), { network: 'sandbox', leaseId: req.leaseId, increment: 0 });
    expect(credited.ok).toBe(true);
    // Asked again for the same increment (a restart between the credit and the earnings
    // row): settled, with the amount credited. Presented for another lease or increment:
    // refused, whatever memo the presenter claims.
    const replay = await verifier().verifyAndCredit(expected(req, signature), { network: 'sandbox', leaseId: req.leaseId, increment: 0 });
    expect(replay).toMatchObject({ ok: true, receivedAmount: 2n * USDC });
    const other = { ...expected(req, signature), memo: formatPaymentMemo(HUB, 'lease-other', 1) };
    expect(await verifier().verify(other)).toMatchObject({ ok: false, reason: 'credited_elsewhere' });
    expect(await verifier().verifyAndCredit(other, { network: 'sandbox', leaseId: 'lease-other', increment: 1 })).toMatchObject({ ok: false, reason: 'credited_elsewhere' });
    expect(db.prepare('SELECT COUNT(*) FROM credited_payments WHERE signature = ?').pluck().get(signature)).toBe(1);
    expect(db.prepare('SELECT COUNT(*) FROM credited_payments WHERE signature = ?').pluck().get(signature)).toBe(1);
  });

  it('rejects another token as wrong_mint', async () => {
    const fakeUsd = await createMint(TOKEN_PROGRAM_ADDRESS);
    const paid = await request({ mint: fakeUsd });
    const signature = await submit(await buildPaymentInstructions(renter, paid));
    const result = await verifier().verify({ ...expected(paid, signature), mint: usdc });
    expect(result).toMatchObject({ ok: false, reason: 'wrong_mint' });
  });

  it('rejects a mint held under a token program that is not accepted (Token-2022 only, here)', async () => {
    // LiteSVM ships no runnable Token-2022, so the rule is shown the other way round: a
    // verifier that accepts only Token-2022 refuses a real SPL Token USDC payment.
    const req = await request();
    const signature = await submit(await buildPaymentInstructions(renter, req));
    const onlyToken2022 = verifier({ allowedTokenPrograms: [TOKEN_2022_PROGRAM] });
    const result = await onlyToken2022.verify(expected(req, signature));
    expect(result).toMatchObject({ ok: false, reason: 'token_program_not_allowed' });
    if (!result.ok) expect(result.detail).toContain(TOKEN_PROGRAM_ADDRESS);
    expect(await verifier().verify(expected(req, signature))).toMatchObject({ ok: true });
  });

  it('rejects a short payment as amount_too_low', async () => {
    const req = await request({ amount: 1_500_000n });
    const signature = await submit(await buildPaymentInstructions(renter, req));
    const result = await verifier().verify({ ...expected(req, signature), amount: 2n * USDC });
    expect(result).toMatchObject({ ok: false, reason: 'amount_too_low' });
    if (!result.ok) expect(result.detail).toBe('Received 1.5, expected 2.');
  });

  it('rejects a payment to an account the recipient does not own as wrong_recipient', async () => {
    const attacker = await generateKeyPairSigner();
    const req = await request();
    const signature = await submit(await buildPaymentInstructions(renter, { ...req, recipient: attacker.address }));
    const result = await verifier().verify(expected(req, signature));
    expect(result).toMatchObject({ ok: false, reason: 'wrong_recipient' });
    if (!result.ok) expect(result.detail).toContain(attacker.address);
  });

  it('rejects a transaction that failed on chain as transaction_failed', async () => {
    const req = await request({ amount: 10_000n * USDC }); // more than the renter holds
    const signature = await submit(await buildPaymentInstructions(renter, req), { skipPreflight: true });
    expect((await client.signatureStatus(signature))?.err).not.toBeNull();
    expect(await verifier().verify(expected(req, signature))).toMatchObject({ ok: false, reason: 'transaction_failed' });
  });

  it('rejects a transfer without the reference key as missing_reference', async () => {
    const req = await request();
    const transfer = await buildTokenTransferInstructions(renter, { recipient: supplier.address, mint: usdc, decimals: 6, amount: req.amount });
    const signature = await submit([...transfer, memoInstruction(formatPaymentMemo(HUB, req.leaseId, req.increment))]);
    expect(await verifier().verify(expected(req, signature))).toMatchObject({ ok: false, reason: 'missing_reference' });
  });

  it("rejects a payment whose memo names another lease or increment, or none, as wrong_memo", async () => {
    const req = await request();
    const forOther = await submit(await buildPaymentInstructions(renter, { ...req, increment: 7, memo: formatPaymentMemo(HUB, req.leaseId, 7) }));
    expect(await verifier().verify(expected(req, forOther))).toMatchObject({ ok: false, reason: 'wrong_memo' });
    // The same lease id and increment made by another hub on the same chain: not this payment.
    const otherHub = await submit(await buildPaymentInstructions(renter, { ...req, memo: formatPaymentMemo('other-hub', req.leaseId, req.increment) }));
    expect(await verifier().verify(expected(req, otherHub))).toMatchObject({ ok: false, reason: 'wrong_memo' });
    const noMemo = await submit(
      await buildTokenTransferInstructions(renter, { recipient: supplier.address, mint: usdc, decimals: 6, amount: req.amount, reference: req.reference }),
    );
    expect(await verifier().verify(expected(req, noMemo))).toMatchObject({ ok: false, reason: 'wrong_memo' });
  });

  it('refuses one transfer carrying two references, or two Idlegrid memos, or two transfers to the payee', async () => {
    const a = await request();
    const b = await request();
    const [create, pay] = await buildTokenTransferInstructions(renter, { recipient: supplier.address, mint: usdc, decimals: 6, amount: a.amount, reference: a.reference });
    const twoRefs: Instruction = { ...pay!, accounts: [...pay!.accounts!, { address: b.reference, role: AccountRole.READONLY }] };
    const both = await submit([create!, twoRefs, memoInstruction(a.memo), memoInstruction(b.memo)]);
    expect(await verifier().verify(expected(a, both))).toMatchObject({ ok: false, reason: 'reference_not_unique' });
    expect(await verifier().verify(expected(b, both))).toMatchObject({ ok: false, reason: 'reference_not_unique' });
    const twoMemos = await submit([create!, pay!, memoInstruction(a.memo), memoInstruction(b.memo)]);
    expect(await verifier().verify(expected(a, twoMemos))).toMatchObject({ ok: false, reason: 'memo_not_unique' });
    // Another app's memo beside ours is fine.
    const withNote = await submit([create!, pay!, memoInstruction('thanks!'), memoInstruction(a.memo)]);
    expect(await verifier().verify(expected(a, withNote))).toMatchObject({ ok: true });
    const [, second] = await buildTokenTransferInstructions(renter, { recipient: supplier.address, mint: usdc, decimals: 6, amount: 1n });
    const twoTransfers = await submit([create!, pay!, second!, memoInstruction(b.memo)]);
    expect(await verifier().verify(expected({ ...b, reference: a.reference }, twoTransfers))).toMatchObject({ ok: false, reason: 'transfer_not_unique' });
  });

  it('lets two concurrent verifyAndCredit calls for one signature settle the same increment once', async () => {
    const req = await request();
    const signature = await submit(await buildPaymentInstructions(renter, req));
    const context = { network: 'sandbox', leaseId: req.leaseId, increment: 0 };
    // Two verifiers (lease.paid and a reconnect's welcome, say), one ledger: both read "not credited", both check the chain.
    const results = await Promise.all([verifier().verifyAndCredit(expected(req, signature), context), verifier().verifyAndCredit(expected(req, signature), context)]);
    expect(results.map((r) => r.ok && r.receivedAmount)).toEqual([2n * USDC, 2n * USDC]);
    expect(db.prepare('SELECT COUNT(*) FROM credited_payments WHERE signature = ?').pluck().get(signature)).toBe(1);
  });

  it('refuses the loser of a race when the winner credited the signature to another increment', async () => {
    const req = await request();
    const signature = await submit(await buildPaymentInstructions(renter, req));
    // Another process on the same ledger.db credits it elsewhere while this one asks the chain.
    const rival = new CreditedPayments(openLedgerDb(join(dir, 'ledger.db')));
    const racing: ChainReader = {
      transaction: async (s, c) => {
        const tx = await chain.transaction(s, c);
        rival.credit({ signature, network: 'sandbox', leaseId: 'lease-rival', increment: 3, recipient: supplier.address, mint: usdc, amount: req.amount, slot: 1n, blockTimeMs: null });
        return tx;
      },
      signatureStatus: (s) => chain.signatureStatus(s),
    };
    const result = await verifier({ chain: racing }).verifyAndCredit(expected(req, signature), { network: 'sandbox', leaseId: req.leaseId, increment: 0 });
    expect(result).toMatchObject({ ok: false, reason: 'credited_elsewhere' });
  });

  it('says not_confirmed until the required commitment is reached, then accepts', async () => {
    const req = await request();
    const signature = await submit(await buildPaymentInstructions(renter, req));
    const strict = verifier({ commitment: 'finalized' });
    expect(await strict.verify(expected(req, signature))).toMatchObject({ ok: false, reason: 'not_confirmed' });
    server.chain.advanceSlots(FINALIZATION_DEPTH);
    expect(await strict.verify(expected(req, signature))).toMatchObject({ ok: true });
  });

  it('says not_found for a signature the network never saw', async () => {
    const unknown = getBase58Decoder().decode(new Uint8Array(64).fill(9));
    const req = await request();
    expect(await verifier().verify(expected(req, unknown))).toMatchObject({ ok: false, reason: 'not_found' });
  });
});
