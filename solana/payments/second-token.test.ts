import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPairSigner, getSignatureFromTransaction } from '@solana/kit';
import type { Address, KeyPairSigner } from '@solana/kit';
import { silentLogger } from '../../common/logger';
import { formatAmount, parseAmount } from '../../common/money/amount-text';
import { formatPaymentMemo } from '../../common/money/payment-memo';
import { defineToken } from '../../common/money/token';
import type { Token, TokenNetwork } from '../../common/money/token';
import { TokenRegistry, USDC } from '../../common/money/token-registry';
import { ChainClient } from '../rpc/chain-client';
import { SandboxChainServer } from '../sandbox/sandbox-chain-server';
import { buildPaymentInstructions, signInstructions } from './payment-builder';
import type { PaymentRequest } from './payment-builder';
import { PaymentVerifier } from './payment-verifier';
import type { ChainReader, ExpectedPayment } from './payment-verifier';

// Adding a stablecoin is one registry entry plus its mint per network. This registers a
// test-only euro token with 2 decimals (not USDC's 6, so a decimals bug shows as a factor
// of 10,000), makes its mint on the real sandbox chain, and pays a lease increment in it
// through the payment builder and PaymentVerifier, checked against the chain's balances.

const EURT: Token = defineToken({ symbol: 'EURT', name: 'Test euro', decimals: 2, fixedMints: { devnet: 'EurtDevnetMint1111111111111111111111111111111' } });

describe('a second stablecoin, end to end on the sandbox chain', () => {
  let dir: string;
  let server: SandboxChainServer;
  let client: ChainClient;
  let chain: ChainReader;
  let registry: TokenRegistry;
  let network: TokenNetwork;
  let renter: KeyPairSigner;
  let supplier: KeyPairSigner;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'idlegrid-second-token-'));
    server = new SandboxChainServer({ dataDir: join(dir, 'chain'), slotIntervalMs: 0, logger: silentLogger });
    await server.start();
    client = new ChainClient(server.url);
    chain = {
      transaction: (s, c) => client.transaction(s, c) as ReturnType<ChainReader['transaction']>,
      signatureStatus: (s) => client.signatureStatus(s),
    };

    // The one registry entry…
    registry = new TokenRegistry([USDC]).register(EURT);
    // …and its mint on this network, made on the chain the way the sandbox makes USDC's.
    const eurtMint = await server.chain.createMint(registry.get('EURT'));
    network = { kind: 'sandbox', namedMints: { USDC: server.chain.usdcMint, EURT: eurtMint } };

    renter = await generateKeyPairSigner();
    supplier = await generateKeyPairSigner();
    for (const signature of await client.sandboxFaucet(renter.address, { lamports: 2_000_000_000n, usdc: 0n })) {
      await client.confirm(signature, { commitment: 'confirmed', timeoutMs: 20_000 });
    }
    const funded = parseAmount('500', EURT);
    if (!funded.ok) throw new Error(funded.error);
    await server.chain.mintTokens(EURT, eurtMint, renter.address, funded.baseUnits);
  });

  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const mintOf = (token: Token): Address => token.mint(network) as Address;

  async function pay(token: Token, amountText: string, leaseId: string): Promise<{ request: PaymentRequest; signature: string }> {
    const parsed = parseAmount(amountText, token);
    if (!parsed.ok) throw new Error(parsed.error);
    const request: PaymentRequest = {
      recipient: supplier.address,
      mint: mintOf(token),
      token,
      amount: parsed.baseUnits,
      reference: (await generateKeyPairSigner()).address,
      leaseId,
      increment: 0,
      memo: formatPaymentMemo('test-hub', leaseId, 0),
    };
    const tx = await signInstructions(renter, await client.latestBlockhash(), await buildPaymentInstructions(renter, request));
    const signature = getSignatureFromTransaction(tx);
    await client.send(tx);
    await client.confirm(signature, { commitment: 'confirmed', timeoutMs: 20_000 });
    return { request, signature };
  }

  const expected = (request: PaymentRequest, signature: string, over: Partial<ExpectedPayment> = {}): ExpectedPayment => ({
    signature,
    recipient: request.recipient,
    mint: request.mint,
    token: request.token,
    amount: request.amount,
    reference: request.reference,
    memo: request.memo,
    ...over,
  });

  it('finds the new token and its sandbox mint through the registry, next to USDC', () => {
    expect(registry.symbols()).toEqual(['USDC', 'EURT']);
    expect(mintOf(EURT)).not.toBe(server.chain.usdcMint);
    expect(registry.byMint(network, mintOf(EURT))).toBe(EURT);
    expect(registry.byMint(network, server.chain.usdcMint)).toBe(USDC);
    expect(EURT.mint({ kind: 'devnet' })).toBe('EurtDevnetMint1111111111111111111111111111111');
  });

  it('pays 12.34 EURT as 1234 base units, verified on chain and in the recipient’s balance', async () => {
    const { request, signature } = await pay(EURT, '12.34', 'lease-eurt-1');
    expect(request.amount).toBe(1234n);

    const verdict = await new PaymentVerifier({ chain }).verify(expected(request, signature));
    expect(verdict).toMatchObject({ ok: true, receivedAmount: 1234n });

    const received = await client.tokenBalance(supplier.address, mintOf(EURT));
    expect(received.amount).toBe(1234n);
    expect(formatAmount({ token: EURT, baseUnits: received.amount }, { symbol: true })).toBe('12.34 EURT');
    // USDC is untouched: the supplier never held any.
    expect((await client.tokenBalance(supplier.address, server.chain.usdcMint)).amount).toBe(0n);
  });

  it('refuses the same payment counted in another token’s decimals or checked against another mint', async () => {
    const { request, signature } = await pay(EURT, '1.5', 'lease-eurt-2');
    const verifier = new PaymentVerifier({ chain });

    // Counted as if EURT had USDC's 6 decimals: the mint's decimals give it away.
    const asSixDecimals = await verifier.verify(expected(request, signature, { token: { symbol: 'EURT', decimals: 6 }, amount: 1_500_000n }));
    expect(asSixDecimals).toMatchObject({ ok: false, reason: 'wrong_mint', detail: `Mint ${mintOf(EURT)} has 2 decimals; EURT has 6.` });

    // The amount owed in EURT base units, but a lease priced in USDC: wrong mint.
    const asUsdc = await verifier.verify(expected(request, signature, { mint: server.chain.usdcMint, token: USDC }));
    expect(asUsdc).toMatchObject({ ok: false, reason: 'wrong_mint' });

    // More than was sent: refused, and the message speaks EURT.
    const tooMuch = await verifier.verify(expected(request, signature, { amount: 151n }));
    expect(tooMuch).toMatchObject({ ok: false, reason: 'amount_too_low', detail: 'Received 1.5 EURT, expected 1.51 EURT.' });
  });

  it('refuses amounts EURT cannot hold before anything is built', () => {
    expect(parseAmount('0.001', EURT)).toEqual({ ok: false, error: 'Use at most 2 digits after the decimal point.' });
  });
});
