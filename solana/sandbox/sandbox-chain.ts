import { mkdirSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { FailedTransactionMetadata } from 'litesvm';
import type { LiteSVM } from 'litesvm';
import { createKeyPairSignerFromBytes, generateKeyPairSigner, getBase58Decoder, getTransactionDecoder } from '@solana/kit';
import type { Address, KeyPairSigner, Transaction } from '@solana/kit';
import { getMintSize } from '@solana-program/token';
import { BlockhashQueue, BLOCKHASH_VALID_SLOTS } from './blockhash-queue';
import { ChainStore } from './chain-store';
import type { StoredAccount, StoredTransaction, SignatureRow } from './chain-store';
import { FAUCET_MAX_LAMPORTS, FAUCET_MAX_USDC, createMintTransaction, solFaucetTransaction, tokenFaucetTransaction } from './faucet';
import { formatAmount } from '../../common/money/amount-text';
import { SOL } from '../../common/money/token';
import type { TokenUnit } from '../../common/money/token';
import { PAYMENT_TOKEN } from '../../common/money/token-registry';
import { RPC_ERROR, RpcError } from './json-rpc';
import { describeTransactionError, toRpcTransactionError } from './transaction-error';
import type { RpcTransactionError } from './transaction-error';
import { decimalsOf, decodeCompiledMessage, memoSummary, messageJson, metaJson } from './transaction-record';
import { accountChanged, createRuntime, keypairBytesFromSeed, lamportsOf, setAccount } from './litesvm-runtime';
import type { CompiledMessage } from './transaction-record';
import { readMintDecimals, readTokenAccount } from './token-accounts';
import { reaches } from './sandbox-chain-types';
import type { ChainAccount, Commitment, SandboxChainOptions, SignatureStatus } from './sandbox-chain-types';
import { errorText } from '../../common/errors';

export type { ChainAccount, Commitment, SandboxChainOptions, SignatureStatus } from './sandbox-chain-types';

const FAUCET_START_LAMPORTS = 1_000_000_000n * 1_000_000_000n;
const SYSTEM_PROGRAM = '11111111111111111111111111111111';
const MAX_TRANSACTION_BYTES = 1232;
/** Keep the slot counter on disk this often even when no transaction lands. */
const SLOT_PERSIST_INTERVAL_MS = 10_000;

const base58 = getBase58Decoder();
const transactionDecoder = getTransactionDecoder();

/**
 * The sandbox network's chain: a real Solana runtime (LiteSVM) with a clock of slots,
 * recent blockhashes, commitment levels, a USDC mint made on first start and a faucet.
 * Every transaction is recorded the way an RPC node reports it, and the state is kept in
 * chain.db so balances and history survive a restart. The RPC server in front of it
 * only translates JSON-RPC to these methods.
 */
export class SandboxChain {
  private currentSlot: bigint;
  private svmSlot = -1n;
  private timer: NodeJS.Timeout | null = null;
  private persistTimer: NodeJS.Timeout | null = null;
  private readonly mintDecimalsCache = new Map<string, number>();
  private mint = SYSTEM_PROGRAM as Address;
  private closed = false;

  private constructor(
    private readonly svm: LiteSVM,
    private readonly store: ChainStore,
    private readonly blockhashes: BlockhashQueue,
    private readonly faucetSigner: KeyPairSigner,
    readonly genesisHash: string,
    startSlot: bigint,
    private readonly options: Required<Omit<SandboxChainOptions, 'dataDir'>>,
  ) {
    this.currentSlot = startSlot;
    this.blockhashes.advanceTo(startSlot);
  }

  static async open(options: SandboxChainOptions): Promise<SandboxChain> {
    mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
    const resolved = {
      slotIntervalMs: options.slotIntervalMs ?? 400,
      confirmationDepthSlots: options.confirmationDepthSlots ?? 0,
      finalizationDepthSlots: options.finalizationDepthSlots ?? 32,
      nowMs: options.nowMs ?? Date.now,
    };
    const store = ChainStore.open(join(options.dataDir, 'chain.db'));
    try {
      const svm = createRuntime();
      for (const account of store.loadAccounts()) setAccount(svm, account);

      let salt = store.getMeta('genesis_salt');
      const fresh = salt === undefined;
      if (salt === undefined) {
        salt = randomBytes(32).toString('hex');
        store.setMeta('genesis_salt', salt);
        store.setMeta('created_at_ms', String(resolved.nowMs()));
      }
      let faucetSecret = store.getMeta('faucet_secret');
      if (faucetSecret === undefined) {
        // Test money only: the faucet key is kept in chain.db in the clear, on purpose.
        faucetSecret = Buffer.from(await keypairBytesFromSeed(randomBytes(32))).toString('base64');
        store.setMeta('faucet_secret', faucetSecret);
      }
      const faucetSigner = await createKeyPairSignerFromBytes(Buffer.from(faucetSecret, 'base64'));
      const persistedSlot = BigInt(store.getMeta('slot') ?? '0');
      const lastTxSlot = store.maxTransactionSlot() ?? 0n;
      const startSlot = (persistedSlot > lastTxSlot ? persistedSlot : lastTxSlot) + 1n;
      const blockhashes = new BlockhashQueue(salt);
      const genesisHash = blockhashes.hashForSlot(-1n);

      const chain = new SandboxChain(svm, store, blockhashes, faucetSigner, genesisHash, startSlot, resolved);
      const mintText = store.getMeta('usdc_mint');
      if (fresh || mintText === undefined) {
        await chain.createUsdcMint();
      } else {
        chain.mint = mintText as Address;
      }
      chain.startClock();
      return chain;
    } catch (error) {
      store.close();
      throw error;
    }
  }

  /** The sandbox mint of the payment token, USDC (made on first start, authority: the faucet). */
  get usdcMint(): Address {
    return this.mint;
  }

  get faucetAddress(): Address {
    return this.faucetSigner.address;
  }

  get usdcDecimals(): number {
    return PAYMENT_TOKEN.decimals;
  }

  get slot(): bigint {
    return this.currentSlot;
  }

  transactionCount(): number {
    return this.store.transactionCount();
  }

  latestBlockhash(): { blockhash: string; lastValidBlockHeight: bigint; slot: bigint } {
    return {
      blockhash: this.blockhashes.hashForSlot(this.currentSlot),
      lastValidBlockHeight: this.currentSlot + BLOCKHASH_VALID_SLOTS,
      slot: this.currentSlot,
    };
  }

  /** Moves the clock on (tests use it to let a transaction reach finalized). */
  advanceSlots(count: number): void {
    this.currentSlot += BigInt(Math.max(0, Math.floor(count)));
    this.blockhashes.advanceTo(this.currentSlot);
  }

  /**
   * Runs a signed wire transaction. Without skipPreflight it is simulated first and a
   * failure is returned as an RPC error without touching state, as a node does. With it,
   * a transaction that fails while executing lands anyway (fee charged, `meta.err` set).
   * Transactions a node would drop (bad signature, unknown blockhash, no fee) are refused.
   */
  async submit(wire: Uint8Array, options: { skipPreflight: boolean }): Promise<string> {
    return this.execute(wire, options.skipPreflight);
  }

  private execute(wire: Uint8Array, skipPreflight: boolean): string {
    if (this.closed) throw new RpcError(RPC_ERROR.internal, 'The sandbox chain is stopped.');
    if (wire.length > MAX_TRANSACTION_BYTES) {
      throw new RpcError(RPC_ERROR.invalidParams, `transaction too large: ${wire.length} bytes (max: ${MAX_TRANSACTION_BYTES} bytes)`);
    }
    let transaction: Transaction;
    let message: CompiledMessage;
    try {
      transaction = transactionDecoder.decode(wire);
      message = decodeCompiledMessage(transaction.messageBytes);
    } catch (error) {
      throw new RpcError(RPC_ERROR.invalidParams, `failed to deserialize transaction: ${errorText(error)}`);
    }
    const feePayer = message.staticAccounts[0];
    const firstSignature = feePayer ? transaction.signatures[feePayer] : null;
    if (!feePayer || !firstSignature) {
      throw new RpcError(RPC_ERROR.transactionSignatureVerificationFailure, 'Transaction signature verification failure');
    }
    const signature = base58.decode(firstSignature);
    if (this.store.hasSignature(signature)) {
      if (skipPreflight) return signature;
      throw preflightFailure('AlreadyProcessed', []);
    }
    if (message.version === 0 && (message.addressTableLookups?.length ?? 0) > 0) {
      throw new RpcError(RPC_ERROR.invalidParams, 'The sandbox chain does not support address lookup tables; send the transaction without them.');
    }
    if (this.blockhashes.slotOf(message.lifetimeToken) === null) {
      // A node would accept and then drop it; saying so at once is kinder to the caller.
      throw preflightFailure('BlockhashNotFound', []);
    }
    this.syncRuntimeClock();
    if (!skipPreflight) {
      const simulated = this.svm.simulateTransaction(transaction);
      if (simulated instanceof FailedTransactionMetadata) {
        throw preflightFailure(toRpcTransactionError(simulated.err()), simulated.meta().logs());
      }
    }

    const keys = message.staticAccounts;
    const pre = keys.map((key) => this.svm.getAccount(key));
    const result = this.svm.sendTransaction(transaction);
    const failed = result instanceof FailedTransactionMetadata;
    const meta = failed ? result.meta() : result;
    const err = failed ? toRpcTransactionError(result.err()) : null;
    const post = keys.map((key) => this.svm.getAccount(key));
    const feeCharged = lamportsOf(pre[0]) !== lamportsOf(post[0]);
    if (err !== null && !feeCharged) {
      if (err === 'SignatureFailure') {
        throw new RpcError(RPC_ERROR.transactionSignatureVerificationFailure, 'Transaction signature verification failure');
      }
      throw preflightFailure(err, meta.logs());
    }

    const record: StoredTransaction = {
      signature,
      slot: this.currentSlot,
      blockTime: Math.floor(this.options.nowMs() / 1000),
      version: message.version === 'legacy' ? 'legacy' : 0,
      wire,
      messageJson: messageJson(message),
      metaJson: metaJson({
        message,
        pre,
        post,
        err,
        logs: meta.logs(),
        innerInstructions: meta.innerInstructions(),
        computeUnitsConsumed: meta.computeUnitsConsumed(),
        mintDecimals: (mint) => this.mintDecimals(mint),
      }),
      errJson: err === null ? null : JSON.stringify(err),
      memo: memoSummary(message),
    };
    const changed: StoredAccount[] = [];
    const removed: string[] = [];
    keys.forEach((key, i) => {
      const before = pre[i];
      const after = post[i];
      if (!after?.exists) {
        if (before?.exists) removed.push(key);
      } else if (!before?.exists || accountChanged(before, after)) {
        changed.push({ address: key, lamports: after.lamports, owner: after.programAddress, executable: after.executable, data: after.data });
      }
    });
    if (this.options.slotIntervalMs === 0) this.advanceSlots(1);
    this.store.commit(record, keys, changed, removed, this.currentSlot);
    return signature;
  }

  signatureStatus(signature: string): SignatureStatus | null {
    const row = this.store.getStatus(signature);
    if (!row) return null;
    const confirmationStatus = this.commitmentOf(row.slot);
    return {
      slot: row.slot,
      confirmations: confirmationStatus === 'finalized' ? null : this.currentSlot - row.slot,
      err: row.errJson === null ? null : (JSON.parse(row.errJson) as RpcTransactionError),
      confirmationStatus,
    };
  }

  /** The stored transaction when it has reached `commitment`, else null (as getTransaction). */
  transaction(signature: string, commitment: Commitment): StoredTransaction | null {
    const tx = this.store.getTransaction(signature);
    if (!tx || !reaches(this.commitmentOf(tx.slot), commitment)) return null;
    return tx;
  }

  signaturesForAddress(addressText: string, limit: number, before?: string, until?: string): Array<SignatureRow & { confirmationStatus: Commitment }> | null {
    const rows = this.store.signaturesForAddress(addressText, limit, before, until);
    return rows?.map((row) => ({ ...row, confirmationStatus: this.commitmentOf(row.slot) })) ?? null;
  }

  account(addressText: Address): ChainAccount | null {
    const account = this.svm.getAccount(addressText);
    if (!account.exists) return null;
    return { lamports: account.lamports, owner: account.programAddress, executable: account.executable, data: account.data };
  }

  /** Amount and decimals of a token account, or null when the address is not one. */
  tokenAccountBalance(addressText: Address): { amount: bigint; decimals: number } | null {
    const account = this.svm.getAccount(addressText);
    if (!account.exists) return null;
    const state = readTokenAccount(account.programAddress, account.data);
    return state ? { amount: state.amount, decimals: this.mintDecimals(state.mint) } : null;
  }

  minimumBalanceForRentExemption(dataLength: bigint): bigint {
    return this.svm.minimumBalanceForRentExemption(dataLength);
  }

  /** Test SOL and/or test USDC for `recipient`; one transaction per token. */
  async faucet(recipient: Address, amounts: { lamports?: bigint; usdc?: bigint }): Promise<string[]> {
    const sol = amounts.lamports ?? 0n;
    const usdc = amounts.usdc ?? 0n;
    if (sol < 0n || sol > FAUCET_MAX_LAMPORTS || usdc < 0n || usdc > FAUCET_MAX_USDC) {
      throw new RpcError(
        RPC_ERROR.invalidParams,
        `The sandbox faucet gives at most ${formatAmount({ token: SOL, baseUnits: FAUCET_MAX_LAMPORTS }, { grouping: false, symbol: true })} and ${formatAmount({ token: PAYMENT_TOKEN, baseUnits: FAUCET_MAX_USDC }, { grouping: false, symbol: true })} per request.`,
      );
    }
    const signatures: string[] = [];
    if (sol > 0n) {
      signatures.push(await this.submit(await solFaucetTransaction(this.faucetSigner, recipient, sol, this.latestBlockhash()), { skipPreflight: false }));
    }
    if (usdc > 0n) signatures.push(await this.mintTokens(PAYMENT_TOKEN, this.usdcMint, recipient, usdc));
    return signatures;
  }

  /**
   * A new mint of `token` with the faucet as its authority, made with a recorded
   * transaction: the payment token's is made on first start; a second token's (tests,
   * a grid trying another stablecoin) on request.
   */
  async createMint(token: TokenUnit): Promise<Address> {
    const mint = await generateKeyPairSigner();
    const rent = this.svm.minimumBalanceForRentExemption(BigInt(getMintSize()));
    await this.submit(await createMintTransaction(this.faucetSigner, mint, token, rent, this.latestBlockhash()), { skipPreflight: false });
    return mint.address;
  }

  /** Test tokens of a mint this chain made: `amount` base units of `token` to `recipient`. */
  async mintTokens(token: TokenUnit, mint: Address, recipient: Address, amount: bigint): Promise<string> {
    const wire = await tokenFaucetTransaction(this.faucetSigner, token, mint, recipient, amount, this.latestBlockhash());
    return this.submit(wire, { skipPreflight: false });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    if (this.persistTimer) clearInterval(this.persistTimer);
    this.store.setMeta('slot', this.currentSlot.toString());
    this.store.close();
  }

  private startClock(): void {
    if (this.options.slotIntervalMs > 0) {
      this.timer = setInterval(() => this.advanceSlots(1), this.options.slotIntervalMs);
      this.timer.unref();
      this.persistTimer = setInterval(() => this.store.setMeta('slot', this.currentSlot.toString()), SLOT_PERSIST_INTERVAL_MS);
      this.persistTimer.unref();
    }
  }

  private commitmentOf(txSlot: bigint): Commitment {
    const depth = this.currentSlot - txSlot;
    if (depth >= BigInt(this.options.finalizationDepthSlots)) return 'finalized';
    if (depth >= BigInt(this.options.confirmationDepthSlots)) return 'confirmed';
    return 'processed';
  }

  private syncRuntimeClock(): void {
    if (this.svmSlot === this.currentSlot) return;
    this.svm.warpToSlot(this.currentSlot);
    this.svmSlot = this.currentSlot;
  }

  private mintDecimals(mint: Address): number {
    let decimals = this.mintDecimalsCache.get(mint);
    if (decimals === undefined) {
      const account = this.svm.getAccount(mint);
      decimals = decimalsOf(account);
      if (account.exists && readMintDecimals(account.programAddress, account.data) !== null) this.mintDecimalsCache.set(mint, decimals);
    }
    return decimals;
  }

  /** First start: fund the faucet and create the USDC mint with a recorded transaction. */
  private async createUsdcMint(): Promise<void> {
    const faucet: StoredAccount = { address: this.faucetSigner.address, lamports: FAUCET_START_LAMPORTS, owner: SYSTEM_PROGRAM, executable: false, data: new Uint8Array() };
    setAccount(this.svm, faucet);
    this.store.commit(null, [], [faucet], [], this.currentSlot);
    const mint = await this.createMint(PAYMENT_TOKEN);
    this.store.setMeta('usdc_mint', mint);
    this.mint = mint;
  }
}

function preflightFailure(err: RpcTransactionError, logs: readonly string[]): RpcError {
  return new RpcError(RPC_ERROR.sendTransactionPreflightFailure, `Transaction simulation failed: ${describeTransactionError(err)}`, {
    accounts: null,
    err,
    innerInstructions: null,
    logs,
    replacementBlockhash: null,
    returnData: null,
    unitsConsumed: 0,
  });
}
