import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  SOLANA_ERROR__JSON_RPC__SERVER_ERROR_SEND_TRANSACTION_PREFLIGHT_FAILURE,
  SOLANA_ERROR__JSON_RPC__SERVER_ERROR_TRANSACTION_SIGNATURE_VERIFICATION_FAILURE,
  SOLANA_ERROR__TRANSACTION_ERROR__ALREADY_PROCESSED,
  SOLANA_ERROR__TRANSACTION_ERROR__BLOCKHASH_NOT_FOUND,
  appendTransactionMessageInstructions,
  createSolanaRpc,
  createTransactionMessage,
  generateKeyPairSigner,
  getBase64EncodedWireTransaction,
  getSignatureFromTransaction,
  isSolanaError,
  lamports,
  pipe,
  setTransactionMessageFeePayerSigner,
  setTransactionMessageLifetimeUsingBlockhash,
  signTransactionMessageWithSigners,
} from '@solana/kit';
import type { Address, Blockhash, Instruction, KeyPairSigner, Rpc, SolanaRpcApi } from '@solana/kit';
import { getTransferSolInstruction } from '@solana-program/system';
import { LEGACY_MEMO_PROGRAM_ADDRESS_V3, getAddMemoInstruction } from '@solana-program/memo';
import { TOKEN_PROGRAM_ADDRESS, findAssociatedTokenPda, getTransferCheckedInstruction } from '@solana-program/token';
import { SandboxChainServer } from './sandbox-chain-server';
import { silentLogger } from '../../common/logger';

// Integration: the sandbox chain served on loopback, driven through @solana/kit's real
// JSON-RPC client, as the app and any Solana tool would use it.

const SOL = 1_000_000_000n;

/** RPC JSON with bigints as numbers, to compare error objects whatever kit turned into bigint. */
function plain(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? Number(v) : v)));
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
}

/** The transaction error code inside a preflight failure. */
function preflightCause(error: unknown): number | undefined {
  if (!isSolanaError(error, SOLANA_ERROR__JSON_RPC__SERVER_ERROR_SEND_TRANSACTION_PREFLIGHT_FAILURE)) return undefined;
  const cause = error.cause;
  return isSolanaError(cause) ? cause.context.__code : undefined;
}

describe('sandbox chain over JSON-RPC', () => {
  let dir: string;
  let server: SandboxChainServer;
  let rpc: Rpc<SolanaRpcApi>;

  async function start(options: { finalizationDepthSlots?: number } = {}) {
    server = new SandboxChainServer({ logger: silentLogger, dataDir: dir, slotIntervalMs: 0, ...options });
    await server.start();
    rpc = createSolanaRpc(server.url);
  }

  async function signed(payer: KeyPairSigner, instructions: Instruction[], blockhash?: string) {
    const latest = (await rpc.getLatestBlockhash().send()).value;
    return pipe(
      createTransactionMessage({ version: 0 }),
      (m) => setTransactionMessageFeePayerSigner(payer, m),
      (m) => setTransactionMessageLifetimeUsingBlockhash({ blockhash: (blockhash ?? latest.blockhash) as Blockhash, lastValidBlockHeight: latest.lastValidBlockHeight }, m),
      (m) => appendTransactionMessageInstructions(instructions, m),
      (m) => signTransactionMessageWithSigners(m),
    );
  }

  async function funded(sol = 2n) {
    const signer = await generateKeyPairSigner();
    await rpc.requestAirdrop(signer.address, lamports(sol * SOL)).send();
    return signer;
  }

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'idlegrid-chain-'));
  });
  afterEach(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('makes a USDC mint on first start and reports it with the faucet', async () => {
    await start();
    const info = await fetch(server.url, { method: 'POST', body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'idlegridSandbox_getInfo' }) }).then((r) => r.json()) as { result: { usdcMint: string; usdcDecimals: number; faucet: string } };
    expect(info.result.usdcMint).toBe(server.chain.usdcMint);
    expect(info.result.usdcDecimals).toBe(6);
    const mint = await rpc.getAccountInfo(server.chain.usdcMint, { encoding: 'base64' }).send();
    expect(mint.value?.owner).toBe(TOKEN_PROGRAM_ADDRESS);
    expect(mint.value?.space).toBe(82n);
    expect(await rpc.getHealth().send()).toBe('ok');
  });

  it('airdrops SOL and reports the transfer as a node does: status, balances, logs', async () => {
    await start();
    const who = await generateKeyPairSigner();
    const signature = await rpc.requestAirdrop(who.address, lamports(3n * SOL)).send();
    expect((await rpc.getBalance(who.address).send()).value).toBe(3n * SOL);

    const [status] = (await rpc.getSignatureStatuses([signature]).send()).value;
    expect(status?.err).toBeNull();
    expect(status?.confirmationStatus).toBe('confirmed');

    const tx = await rpc.getTransaction(signature, { commitment: 'confirmed', encoding: 'json', maxSupportedTransactionVersion: 0 }).send();
    expect(tx?.meta?.err).toBeNull();
    expect(tx?.meta?.logMessages).toContain('Program 11111111111111111111111111111111 success');
    const keys = tx?.transaction.message.accountKeys ?? [];
    const index = keys.indexOf(who.address);
    expect(index).toBeGreaterThan(0);
    expect(tx?.meta?.preBalances[index]).toBe(0n);
    expect(tx?.meta?.postBalances[index]).toBe(3n * SOL);
    expect(tx?.meta?.fee).toBe(5000n);
    expect(tx?.transaction.signatures).toEqual([signature]);
  });

  it('reports pre/post token balances of a USDC transfer, with owner, mint and program', async () => {
    await start();
    const payer = await funded();
    const payee = await generateKeyPairSigner();
    await server.chain.faucet(payer.address, { usdc: 50_000_000n });
    const [source] = await findAssociatedTokenPda({ owner: payer.address, mint: server.chain.usdcMint, tokenProgram: TOKEN_PROGRAM_ADDRESS });
    await server.chain.faucet(payee.address, { usdc: 1n });
    const [destination] = await findAssociatedTokenPda({ owner: payee.address, mint: server.chain.usdcMint, tokenProgram: TOKEN_PROGRAM_ADDRESS });

    const tx = await signed(payer, [
      getTransferCheckedInstruction({ source, mint: server.chain.usdcMint, destination, authority: payer, amount: 12_500_000n, decimals: 6 }),
      getAddMemoInstruction({ memo: 'idlegrid:lease-1:0' }, { programAddress: LEGACY_MEMO_PROGRAM_ADDRESS_V3 }),
    ]);
    const signature = await rpc.sendTransaction(getBase64EncodedWireTransaction(tx), { encoding: 'base64' }).send();
    const got = await rpc.getTransaction(signature, { commitment: 'confirmed', encoding: 'json', maxSupportedTransactionVersion: 0 }).send();
    const pre = got?.meta?.preTokenBalances ?? [];
    const post = got?.meta?.postTokenBalances ?? [];
    const payeePost = post.find((b) => b.owner === payee.address);
    const payeePre = pre.find((b) => b.owner === payee.address);
    expect(payeePre?.uiTokenAmount.amount).toBe('1');
    expect(payeePost?.uiTokenAmount.amount).toBe('12500001');
    expect(payeePost?.uiTokenAmount.decimals).toBe(6);
    expect(payeePost?.mint).toBe(server.chain.usdcMint);
    expect(payeePost?.programId).toBe(TOKEN_PROGRAM_ADDRESS);
    expect(post.find((b) => b.owner === payer.address)?.uiTokenAmount.amount).toBe('37500000');
    expect((await rpc.getTokenAccountBalance(destination).send()).value.amount).toBe('12500001');

    const history = await rpc.getSignaturesForAddress(payee.address, { commitment: 'confirmed' }).send();
    expect(history.length).toBe(1); // the payee's own address appears only in its faucet transaction
    const tokenHistory = await rpc.getSignaturesForAddress(destination, { commitment: 'confirmed' }).send();
    expect(tokenHistory[0]?.signature).toBe(signature);
    expect(tokenHistory[0]?.memo).toBe('[18] idlegrid:lease-1:0');
  });

  it('refuses a failing transaction at preflight without changing state, and records it when preflight is skipped', async () => {
    await start();
    const payer = await funded(1n);
    const other = await generateKeyPairSigner();
    const tooMuch = await signed(payer, [getTransferSolInstruction({ source: payer, destination: other.address, amount: lamports(5n * SOL) })]);

    let preflight: unknown;
    try {
      await rpc.sendTransaction(getBase64EncodedWireTransaction(tooMuch), { encoding: 'base64' }).send();
    } catch (error) {
      preflight = error;
    }
    expect(isSolanaError(preflight, SOLANA_ERROR__JSON_RPC__SERVER_ERROR_SEND_TRANSACTION_PREFLIGHT_FAILURE)).toBe(true);
    expect((await rpc.getBalance(payer.address).send()).value).toBe(1n * SOL);
    expect((await rpc.getSignatureStatuses([getSignatureFromTransaction(tooMuch)]).send()).value[0]).toBeNull();

    const signature = await rpc.sendTransaction(getBase64EncodedWireTransaction(tooMuch), { encoding: 'base64', skipPreflight: true }).send();
    const [status] = (await rpc.getSignatureStatuses([signature]).send()).value;
    expect(plain(status?.err)).toEqual({ InstructionError: [0, { Custom: 1 }] });
    const tx = await rpc.getTransaction(signature, { commitment: 'confirmed', encoding: 'json', maxSupportedTransactionVersion: 0 }).send();
    expect(plain(tx?.meta?.err)).toEqual({ InstructionError: [0, { Custom: 1 }] });
    // The fee is charged even though the transfer failed, as on a real cluster.
    expect((await rpc.getBalance(payer.address).send()).value).toBe(1n * SOL - 5000n);
  });

  it('processes a signature once, and refuses unknown blockhashes and bad signatures', async () => {
    await start();
    const payer = await funded(1n);
    const other = await generateKeyPairSigner();
    const tx = await signed(payer, [getTransferSolInstruction({ source: payer, destination: other.address, amount: lamports(SOL / 10n) })]);
    const wire = getBase64EncodedWireTransaction(tx);
    await rpc.sendTransaction(wire, { encoding: 'base64' }).send();
    expect(preflightCause(await failure(rpc.sendTransaction(wire, { encoding: 'base64' }).send()))).toBe(SOLANA_ERROR__TRANSACTION_ERROR__ALREADY_PROCESSED);
    expect((await rpc.getBalance(other.address).send()).value).toBe(SOL / 10n);

    const stale = await signed(payer, [getTransferSolInstruction({ source: payer, destination: other.address, amount: lamports(1n) })], 'CmpNeggWJ4JaWJeJ8YKN1Zypmk7uvQq3PECGUCAEMbky');
    expect(preflightCause(await failure(rpc.sendTransaction(getBase64EncodedWireTransaction(stale), { encoding: 'base64' }).send()))).toBe(
      SOLANA_ERROR__TRANSACTION_ERROR__BLOCKHASH_NOT_FOUND,
    );

    const forged = await signed(payer, [getTransferSolInstruction({ source: payer, destination: other.address, amount: lamports(2n) })]);
    const badSignatures = { ...forged, signatures: { ...forged.signatures, [payer.address]: new Uint8Array(64).fill(7) } } as typeof forged;
    let error: unknown;
    try {
      await rpc.sendTransaction(getBase64EncodedWireTransaction(badSignatures), { encoding: 'base64', skipPreflight: true }).send();
    } catch (e) {
      error = e;
    }
    expect(isSolanaError(error, SOLANA_ERROR__JSON_RPC__SERVER_ERROR_TRANSACTION_SIGNATURE_VERIFICATION_FAILURE)).toBe(true);
  });

  it('reaches finalized only after the finalization depth, and getTransaction follows the commitment', async () => {
    await start({ finalizationDepthSlots: 5 });
    const who = await generateKeyPairSigner();
    const signature = await rpc.requestAirdrop(who.address, lamports(SOL)).send();
    expect((await rpc.getSignatureStatuses([signature]).send()).value[0]?.confirmationStatus).toBe('confirmed');
    expect(await rpc.getTransaction(signature, { commitment: 'finalized', encoding: 'json', maxSupportedTransactionVersion: 0 }).send()).toBeNull();
    server.chain.advanceSlots(5);
    expect((await rpc.getSignatureStatuses([signature]).send()).value[0]?.confirmationStatus).toBe('finalized');
    expect(await rpc.getTransaction(signature, { commitment: 'finalized', encoding: 'json', maxSupportedTransactionVersion: 0 }).send()).not.toBeNull();
  });

  it('keeps balances, token accounts, history and the mint across a restart', async () => {
    await start();
    const who = await generateKeyPairSigner();
    const [airdrop] = await server.chain.faucet(who.address, { lamports: 4n * SOL });
    await server.chain.faucet(who.address, { usdc: 250_000_000n });
    const mint = server.chain.usdcMint;
    const slotBefore = server.chain.slot;
    const [ata] = await findAssociatedTokenPda({ owner: who.address, mint, tokenProgram: TOKEN_PROGRAM_ADDRESS });
    await server.stop();

    await start();
    expect(server.chain.usdcMint).toBe(mint);
    expect(server.chain.slot).toBeGreaterThan(slotBefore);
    expect((await rpc.getBalance(who.address).send()).value).toBe(4n * SOL);
    expect((await rpc.getTokenAccountBalance(ata).send()).value.amount).toBe('250000000');
    const tx = await rpc.getTransaction(airdrop as Parameters<typeof rpc.getTransaction>[0], { commitment: 'confirmed', encoding: 'json', maxSupportedTransactionVersion: 0 }).send();
    expect(tx?.meta?.err).toBeNull();

    // And the restarted chain still executes against the restored state.
    const other = await generateKeyPairSigner();
    const spend = await signed(who as KeyPairSigner, [getTransferSolInstruction({ source: who, destination: other.address as Address, amount: lamports(SOL) })]);
    await rpc.sendTransaction(getBase64EncodedWireTransaction(spend), { encoding: 'base64' }).send();
    expect((await rpc.getBalance(who.address).send()).value).toBe(3n * SOL - 5000n);
  });
});
