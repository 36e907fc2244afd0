import { getBase58Decoder, getCompiledTransactionMessageDecoder, getUtf8Decoder } from '@solana/kit';
import type {
  Address,
  CompiledTransactionMessageWithLifetime,
  LegacyCompiledTransactionMessage,
  MaybeEncodedAccount,
  V0CompiledTransactionMessage,
} from '@solana/kit';
import type { InnerInstruction } from 'litesvm';
import { LEGACY_MEMO_PROGRAM_ADDRESS_V3, MEMO_PROGRAM_ADDRESS } from '@solana-program/memo';
import { stringifyRpcJson } from './json-rpc';
import type { RpcTransactionError } from './transaction-error';
import { readMintDecimals, readTokenAccount, uiTokenAmount } from './token-accounts';

/**
 * Builds what getTransaction returns for one executed transaction — the message in the
 * `json` encoding and the meta with SOL and token balances before and after, logs and
 * inner instructions — once, when it lands, so every later lookup is a read.
 */
export const LAMPORTS_PER_SIGNATURE = 5000n;
export const MEMO_V1_PROGRAM_ADDRESS = 'Memo1UhkJRfHyvLMcVucJwxXeuD728EqVDDwQDxFMNo';
const MEMO_PROGRAMS = new Set<string>([LEGACY_MEMO_PROGRAM_ADDRESS_V3, MEMO_PROGRAM_ADDRESS, MEMO_V1_PROGRAM_ADDRESS]);

const base58 = getBase58Decoder();
const utf8 = getUtf8Decoder();
const messageDecoder = getCompiledTransactionMessageDecoder();

/** The message formats Solana clusters run today (kit can also decode the proposed v1). */
export type CompiledMessage = (LegacyCompiledTransactionMessage | V0CompiledTransactionMessage) & CompiledTransactionMessageWithLifetime;

export function decodeCompiledMessage(messageBytes: Parameters<typeof messageDecoder.decode>[0]): CompiledMessage {
  const message = messageDecoder.decode(messageBytes);
  if (message.version !== 'legacy' && message.version !== 0) {
    throw new Error(`transaction version ${String(message.version)} is not supported`);
  }
  return message as CompiledMessage;
}

export interface ExecutedTransaction {
  message: CompiledMessage;
  pre: readonly MaybeEncodedAccount[];
  post: readonly MaybeEncodedAccount[];
  err: RpcTransactionError | null;
  logs: readonly string[];
  innerInstructions: readonly (readonly InnerInstruction[])[];
  computeUnitsConsumed: bigint;
  /** Decimals of a mint, read from the chain (mints do not change decimals). */
  mintDecimals(mint: Address): number;
}

export function messageJson(message: CompiledMessage): string {
  const json: Record<string, unknown> = {
    accountKeys: message.staticAccounts,
    header: {
      numReadonlySignedAccounts: message.header.numReadonlySignerAccounts,
      numReadonlyUnsignedAccounts: message.header.numReadonlyNonSignerAccounts,
      numRequiredSignatures: message.header.numSignerAccounts,
    },
    instructions: message.instructions.map((ix) => ({
      accounts: ix.accountIndices ?? [],
      data: base58.decode(ix.data ?? new Uint8Array()),
      programIdIndex: ix.programAddressIndex,
      stackHeight: null,
    })),
    recentBlockhash: message.lifetimeToken,
  };
  if (message.version !== 'legacy') json.addressTableLookups = [];
  return JSON.stringify(json);
}

export function metaJson(tx: ExecutedTransaction): string {
  const numSignatures = BigInt(tx.message.header.numSignerAccounts);
  const meta = {
    computeUnitsConsumed: tx.computeUnitsConsumed,
    err: tx.err,
    fee: LAMPORTS_PER_SIGNATURE * numSignatures,
    innerInstructions: tx.innerInstructions
      .map((group, index) => ({
        index,
        instructions: group.map((inner) => {
          const ix = inner.instruction();
          return {
            accounts: [...ix.accounts()],
            data: base58.decode(ix.data()),
            programIdIndex: ix.programIdIndex(),
            stackHeight: inner.stackHeight(),
          };
        }),
      }))
      .filter((group) => group.instructions.length > 0),
    loadedAddresses: { readonly: [], writable: [] },
    logMessages: tx.logs,
    postBalances: tx.post.map(lamportsOf),
    postTokenBalances: tokenBalances(tx.post, tx.mintDecimals),
    preBalances: tx.pre.map(lamportsOf),
    preTokenBalances: tokenBalances(tx.pre, tx.mintDecimals),
    rewards: [],
    status: tx.err === null ? { Ok: null } : { Err: tx.err },
  };
  return stringifyRpcJson(meta);
}

function lamportsOf(account: MaybeEncodedAccount): bigint {
  return account.exists ? account.lamports : 0n;
}

function tokenBalances(accounts: readonly MaybeEncodedAccount[], mintDecimals: (mint: Address) => number) {
  const out = [];
  for (let accountIndex = 0; accountIndex < accounts.length; accountIndex++) {
    const account = accounts[accountIndex];
    if (!account?.exists) continue;
    const state = readTokenAccount(account.programAddress, account.data);
    if (!state) continue;
    out.push({
      accountIndex,
      mint: state.mint,
      owner: state.owner,
      programId: account.programAddress,
      uiTokenAmount: uiTokenAmount(state.amount, mintDecimals(state.mint)),
    });
  }
  return out;
}

/** Decimals of a mint account, 0 when it is not a readable mint (RPC nodes do the same). */
export function decimalsOf(account: MaybeEncodedAccount): number {
  return account.exists ? (readMintDecimals(account.programAddress, account.data) ?? 0) : 0;
}

/** Memos as getSignaturesForAddress reports them: "[len] text", joined by "; ". */
export function memoSummary(message: CompiledMessage): string | null {
  const memos: string[] = [];
  for (const ix of message.instructions) {
    const program = message.staticAccounts[ix.programAddressIndex];
    if (!program || !MEMO_PROGRAMS.has(program) || !ix.data) continue;
    const text = utf8.decode(ix.data);
    memos.push(`[${ix.data.length}] ${text}`);
  }
  return memos.length > 0 ? memos.join('; ') : null;
}
