import {
  SOLANA_ERROR__JSON_RPC__SERVER_ERROR_SEND_TRANSACTION_PREFLIGHT_FAILURE,
  SOLANA_ERROR__TRANSACTION_ERROR__ACCOUNT_NOT_FOUND,
  SOLANA_ERROR__TRANSACTION_ERROR__ALREADY_PROCESSED,
  SOLANA_ERROR__TRANSACTION_ERROR__BLOCKHASH_NOT_FOUND,
  SOLANA_ERROR__TRANSACTION_ERROR__INSUFFICIENT_FUNDS_FOR_FEE,
  SOLANA_ERROR__TRANSACTION_ERROR__INSUFFICIENT_FUNDS_FOR_RENT,
  createSolanaRpcFromTransport,
  getBase64EncodedWireTransaction,
  getSignatureFromTransaction,
  isSolanaError,
  lamports,
} from '@solana/kit';
import type { Address, Blockhash, Commitment, Rpc, Signature, SolanaRpcApi, Transaction } from '@solana/kit';
import { TOKEN_PROGRAM_ADDRESS, findAssociatedTokenPda } from '@solana-program/token';
import { ApiError } from '../../common/api/errors';
import { createNodeHttpTransport } from './rpc-http-transport';
import type { NodeHttpTransport } from './rpc-http-transport';
import { PAYMENT_TOKEN } from '../../common/money/token-registry';
import { errorText } from '../../common/errors';

export interface Lifetime {
  blockhash: Blockhash;
  lastValidBlockHeight: bigint;
}

export interface TokenBalance {
  /** The owner's associated token account for the mint. */
  account: Address;
  amount: bigint;
  exists: boolean;
}

export interface ConfirmOptions {
  commitment: Exclude<Commitment, 'processed'>;
  lastValidBlockHeight?: bigint;
  timeoutMs?: number;
}

export interface SandboxInfo {
  usdcMint: Address;
  usdcDecimals: number;
  faucet: Address;
}

export type GetTransactionResult = Awaited<ReturnType<ReturnType<ChainClient['rpc']['getTransaction']>['send']>>;

const POLL_MS = 250;
const DEFAULT_CONFIRM_TIMEOUT_MS = 90_000;

/**
 * What Idlegrid asks of a Solana RPC endpoint (the sandbox chain or any cluster), over
 * JSON-RPC with @solana/kit: balances, blockhashes, sending with confirmation at a chosen
 * commitment, and parsed transactions for the payment verifier and history. Failures
 * become `ApiError`s that say what happened and what to do.
 */
export class ChainClient {
  readonly rpc: Rpc<SolanaRpcApi>;
  private readonly http: NodeHttpTransport;

  constructor(
    readonly rpcUrl: string,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {
    this.http = createNodeHttpTransport(rpcUrl);
    this.rpc = createSolanaRpcFromTransport(this.http.transport);
  }

  /** Closes idle keep-alive connections (the network changed, or the app stops). */
  close(): void {
    this.http.close();
  }

  async solBalance(owner: Address): Promise<bigint> {
    return this.call(async () => (await this.rpc.getBalance(owner, { commitment: 'confirmed' }).send()).value);
  }

  /** The owner's balance in the associated token account of `mint` (0 when it does not exist yet). */
  async tokenBalance(owner: Address, mint: Address, tokenProgram: Address = TOKEN_PROGRAM_ADDRESS): Promise<TokenBalance> {
    const [account] = await findAssociatedTokenPda({ owner, mint, tokenProgram });
    return this.call(async () => {
      const info = await this.rpc.getAccountInfo(account, { commitment: 'confirmed', encoding: 'base64' }).send();
      if (!info.value) return { account, amount: 0n, exists: false };
      const balance = await this.rpc.getTokenAccountBalance(account, { commitment: 'confirmed' }).send();
      return { account, amount: BigInt(balance.value.amount), exists: true };
    });
  }

  /** Decimals and token program of a mint; throws when the address is not a mint. */
  async mintInfo(mint: Address): Promise<{ decimals: number; tokenProgram: Address }> {
    return this.call(async () => {
      const info = await this.rpc.getAccountInfo(mint, { commitment: 'confirmed', encoding: 'base64' }).send();
      const data = info.value ? Buffer.from(info.value.data[0], 'base64') : null;
      if (!info.value || !data || data.length < 82 || data[45] !== 1) {
        throw new ApiError('invalid_params', `${mint} is not a token mint on this network. Check the ${PAYMENT_TOKEN.symbol} mint address in Settings.`, 'not_a_mint');
      }
      return { decimals: data[44] ?? 0, tokenProgram: info.value.owner };
    });
  }

  async latestBlockhash(): Promise<Lifetime> {
    return this.call(async () => (await this.rpc.getLatestBlockhash({ commitment: 'confirmed' }).send()).value);
  }

  async accountOwner(account: Address): Promise<{ owner: Address; data: Uint8Array } | null> {
    return this.call(async () => {
      const info = await this.rpc.getAccountInfo(account, { commitment: 'confirmed', encoding: 'base64' }).send();
      return info.value ? { owner: info.value.owner, data: new Uint8Array(Buffer.from(info.value.data[0], 'base64')) } : null;
    });
  }

  /** Sends a signed transaction (simulated first by the node) and returns its signature. */
  async send(transaction: Transaction, options: { skipPreflight?: boolean } = {}): Promise<Signature> {
    const wire = getBase64EncodedWireTransaction(transaction);
    return this.call(() =>
      this.rpc.sendTransaction(wire, { encoding: 'base64', skipPreflight: options.skipPreflight ?? false, preflightCommitment: 'confirmed' }).send(),
    );
  }

  /**
   * Sends a transaction signed earlier again, as its stored wire bytes (base64). The same
   * bytes carry the same signature, so the chain takes it at most once.
   */
  async sendWire(wireBase64: string): Promise<Signature> {
    return this.call(() =>
      this.rpc.sendTransaction(wireBase64 as Parameters<Rpc<SolanaRpcApi>['sendTransaction']>[0], { encoding: 'base64', skipPreflight: false, preflightCommitment: 'confirmed' }).send(),
    );
  }

  /**
   * Polls the signature's status until it reaches `commitment`; fails when the
   * transaction failed, its blockhash expired without it landing, or time runs out.
   */
  async confirm(signature: Signature, options: ConfirmOptions): Promise<{ slot: bigint }> {
    const deadline = Date.now() + (options.timeoutMs ?? DEFAULT_CONFIRM_TIMEOUT_MS);
    const wanted = options.commitment === 'finalized' ? 2 : 1;
    for (;;) {
      const status = await this.signatureStatus(signature);
      if (status) {
        if (status.err) {
          throw new ApiError('conflict', `The transaction failed on chain (${JSON.stringify(status.err, bigintText)}); nothing was transferred except the network fee.`, 'transaction_failed');
        }
        const rank = status.confirmationStatus === 'finalized' ? 2 : status.confirmationStatus === 'confirmed' ? 1 : 0;
        if (rank >= wanted) return { slot: status.slot };
      } else if (options.lastValidBlockHeight !== undefined) {
        const height = await this.call(() => this.rpc.getBlockHeight({ commitment: 'confirmed' }).send());
        if (height > options.lastValidBlockHeight) {
          throw new ApiError('unavailable', 'The transaction expired before the network included it; nothing was transferred. Try again.', 'transaction_expired');
        }
      }
      if (Date.now() > deadline) {
        throw new ApiError('unavailable', `The network has not confirmed transaction ${signature} yet. Check it later in Recent transactions before trying again.`, 'transaction_unconfirmed');
      }
      await this.sleep(POLL_MS);
    }
  }

  async sendAndConfirm(transaction: Transaction & { lifetimeConstraint?: { lastValidBlockHeight: bigint } }, commitment: ConfirmOptions['commitment'] = 'confirmed'): Promise<{ signature: Signature; slot: bigint }> {
    const signature = getSignatureFromTransaction(transaction);
    await this.send(transaction);
    const { slot } = await this.confirm(signature, { commitment, lastValidBlockHeight: transaction.lifetimeConstraint?.lastValidBlockHeight });
    return { signature, slot };
  }

  /** The confirmed block height: a signed transaction whose lastValidBlockHeight is below it can never land. */
  async blockHeight(): Promise<bigint> {
    return this.call(() => this.rpc.getBlockHeight({ commitment: 'confirmed' }).send());
  }

  async signatureStatus(signature: Signature) {
    return this.call(async () => (await this.rpc.getSignatureStatuses([signature], { searchTransactionHistory: true }).send()).value[0] ?? null);
  }

  /** The transaction in the `json` encoding once it has reached `commitment`, else null. */
  async transaction(signature: Signature, commitment: 'confirmed' | 'finalized'): Promise<GetTransactionResult> {
    return this.call(() =>
      this.rpc.getTransaction(signature, { commitment, encoding: 'json', maxSupportedTransactionVersion: 0 }).send(),
    );
  }

  async signaturesForAddress(address: Address, limit: number) {
    return this.call(() => this.rpc.getSignaturesForAddress(address, { limit, commitment: 'confirmed' }).send());
  }

  async requestAirdrop(address: Address, amount: bigint): Promise<Signature> {
    return this.call(() => this.rpc.requestAirdrop(address, lamports(amount), { commitment: 'confirmed' }).send());
  }

  /** Sandbox chain only: its USDC mint and faucet. */
  async sandboxInfo(): Promise<SandboxInfo> {
    return this.rawCall<SandboxInfo>('idlegridSandbox_getInfo', []);
  }

  /** Sandbox chain only: test SOL and test USDC; returns the faucet's transaction signatures. */
  async sandboxFaucet(address: Address, amounts: { lamports?: bigint; usdc?: bigint }): Promise<Signature[]> {
    const config: Record<string, number> = {};
    if (amounts.lamports !== undefined) config.lamports = Number(amounts.lamports);
    if (amounts.usdc !== undefined) config.usdc = Number(amounts.usdc);
    const result = await this.rawCall<{ signatures: Signature[] }>('idlegridSandbox_faucet', [address, config]);
    return result.signatures;
  }

  /** For methods @solana/kit does not know (the sandbox's own). */
  private async rawCall<T>(method: string, params: unknown[]): Promise<T> {
    let body: { result?: T; error?: { message: string } };
    try {
      body = (await this.http.postJson({ jsonrpc: '2.0', id: 1, method, params })) as typeof body;
    } catch (error) {
      throw unreachable(this.rpcUrl, error);
    }
    if (body.error) throw new ApiError('unavailable', `The sandbox chain refused ${method}: ${body.error.message}`, 'rpc_refused');
    return body.result as T;
  }

  private async call<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw toApiError(error, this.rpcUrl);
    }
  }
}

function bigintText(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}

function unreachable(rpcUrl: string, error: unknown): ApiError {
  const cause = (error as { cause?: { code?: string } }).cause?.code ?? errorText(error);
  return new ApiError('unavailable', `Could not reach the Solana RPC at ${rpcUrl} (${cause}). Check the network in Settings, or your connection.`, 'rpc_unreachable');
}

/** Turns kit and fetch errors into messages a person can act on (by error code: kit's texts differ in production builds). */
export function toApiError(error: unknown, rpcUrl: string): ApiError {
  if (error instanceof ApiError) return error;
  if (isSolanaError(error, SOLANA_ERROR__JSON_RPC__SERVER_ERROR_SEND_TRANSACTION_PREFLIGHT_FAILURE)) {
    const logs = (error.context.logs ?? []).join('\n');
    const cause = error.cause;
    if (isSolanaError(cause, SOLANA_ERROR__TRANSACTION_ERROR__INSUFFICIENT_FUNDS_FOR_FEE) || isSolanaError(cause, SOLANA_ERROR__TRANSACTION_ERROR__ACCOUNT_NOT_FOUND)) {
      return new ApiError('conflict', 'This wallet has no SOL to pay the network fee. Add some SOL (on the sandbox: use the faucet) and try again.', 'no_sol_for_fee');
    }
    if (/insufficient (lamports|funds)/i.test(logs)) {
      return new ApiError('conflict', 'Not enough balance for this transfer and its network fee. Add funds (on the sandbox: use the faucet) and try again.', 'insufficient_funds');
    }
    if (isSolanaError(cause, SOLANA_ERROR__TRANSACTION_ERROR__INSUFFICIENT_FUNDS_FOR_RENT)) {
      return new ApiError('conflict', 'A new account must receive at least the rent-exempt minimum (about 0.00089 SOL). Send more, or send to an account that already exists.', 'below_rent_exempt_minimum');
    }
    if (isSolanaError(cause, SOLANA_ERROR__TRANSACTION_ERROR__BLOCKHASH_NOT_FOUND)) {
      return new ApiError('unavailable', 'The network no longer accepts this transaction (its blockhash expired). Nothing was transferred; try again.', 'blockhash_expired');
    }
    if (isSolanaError(cause, SOLANA_ERROR__TRANSACTION_ERROR__ALREADY_PROCESSED)) {
      return new ApiError('conflict', 'This exact transaction was already sent; it is not sent twice.', 'transaction_duplicate');
    }
    const detail = logs.split('\n').filter((line) => /failed|error/i.test(line)).pop() ?? (cause instanceof Error ? cause.message : error.message);
    return new ApiError('conflict', `The network refused the transaction (${detail}). Nothing was transferred.`, 'transaction_refused');
  }
  if (isSolanaError(error)) {
    return new ApiError('unavailable', `The Solana RPC at ${rpcUrl} answered with an error: ${error.message}`, 'rpc_unavailable');
  }
  if (error instanceof TypeError || (error as { cause?: unknown }).cause) return unreachable(rpcUrl, error);
  return new ApiError('internal', `Solana RPC call failed: ${errorText(error)}`, 'rpc_failed');
}
