import {
  AccountRole,
  appendTransactionMessageInstructions,
  createTransactionMessage,
  lamports,
  pipe,
  setTransactionMessageFeePayerSigner,
  setTransactionMessageLifetimeUsingBlockhash,
  signTransactionMessageWithSigners,
} from '@solana/kit';
import type { Address, Instruction, TransactionSigner } from '@solana/kit';
import { getTransferSolInstruction } from '@solana-program/system';
import { LEGACY_MEMO_PROGRAM_ADDRESS_V3, getAddMemoInstruction } from '@solana-program/memo';
import {
  TOKEN_PROGRAM_ADDRESS,
  findAssociatedTokenPda,
  getCreateAssociatedTokenIdempotentInstruction,
  getTransferCheckedInstruction,
} from '@solana-program/token';
import { parsePaymentMemo } from '../../common/money/payment-memo';
import type { TokenUnit } from '../../common/money/token';
import type { Lifetime } from '../rpc/chain-client';

/**
 * Builds Idlegrid's payments: a checked SPL transfer (the mint and its decimals are part
 * of the instruction, so the token program refuses a wrong token or a misplaced decimal
 * point) to the recipient's associated token account, created in the same transaction if
 * missing (the sender pays its rent), with a Solana Pay style reference key and the memo
 * `idlegrid:<hub>:<lease>:<increment>` that the hub gave for this payment.
 *
 * The memo goes to the Memo v2 program (MemoSq4…), which every cluster runs; the newer
 * Memo4c2p… program that @solana-program/memo 0.15 targets by default is not deployed
 * everywhere yet.
 */
export const PAYMENT_MEMO_PROGRAM_ADDRESS = LEGACY_MEMO_PROGRAM_ADDRESS_V3;

export interface PaymentRequest {
  /** The supplier's wallet (owner of the receiving token account), not a token account. */
  recipient: Address;
  mint: Address;
  /** The token `mint` is a mint of: its decimals go into the checked transfer. */
  token: TokenUnit;
  /** Base units of `token`. */
  amount: bigint;
  /** A fresh public key that identifies this payment request (Solana Pay's `reference`). */
  reference: Address;
  leaseId: string;
  increment: number;
  /** The hub's memo for this payment: it must name `leaseId` and `increment`. */
  memo: string;
  tokenProgram?: Address;
}

export async function buildPaymentInstructions(payer: TransactionSigner, request: PaymentRequest): Promise<Instruction[]> {
  if (request.amount <= 0n) throw new Error('A payment must be more than zero.');
  const parsed = parsePaymentMemo(request.memo);
  // A hub that hands out a memo for another lease or increment would make this payment pay something else.
  if (!parsed || parsed.leaseId !== request.leaseId || parsed.increment !== request.increment) {
    throw new Error(`The hub's memo "${request.memo.slice(0, 120)}" does not name lease ${request.leaseId}, increment ${request.increment}; not paying.`);
  }
  const memo = request.memo;
  const transfer = await buildTokenTransferInstructions(payer, {
    recipient: request.recipient,
    mint: request.mint,
    decimals: request.token.decimals,
    amount: request.amount,
    tokenProgram: request.tokenProgram,
    reference: request.reference,
  });
  return [...transfer, memoInstruction(memo)];
}

export interface TokenTransfer {
  recipient: Address;
  mint: Address;
  decimals: number;
  amount: bigint;
  tokenProgram?: Address;
  /** Appended to the transfer instruction as a read-only account (ignored by the token program). */
  reference?: Address;
}

export async function buildTokenTransferInstructions(payer: TransactionSigner, transfer: TokenTransfer): Promise<Instruction[]> {
  const tokenProgram = transfer.tokenProgram ?? TOKEN_PROGRAM_ADDRESS;
  const [[source], [destination]] = await Promise.all([
    findAssociatedTokenPda({ owner: payer.address, mint: transfer.mint, tokenProgram }),
    findAssociatedTokenPda({ owner: transfer.recipient, mint: transfer.mint, tokenProgram }),
  ]);
  const createDestination = getCreateAssociatedTokenIdempotentInstruction({
    payer,
    ata: destination,
    owner: transfer.recipient,
    mint: transfer.mint,
    tokenProgram,
  });
  const transferChecked = getTransferCheckedInstruction(
    { source, mint: transfer.mint, destination, authority: payer, amount: transfer.amount, decimals: transfer.decimals },
    { programAddress: tokenProgram },
  );
  const withReference: Instruction = transfer.reference
    ? { ...transferChecked, accounts: [...transferChecked.accounts, { address: transfer.reference, role: AccountRole.READONLY }] }
    : transferChecked;
  return [createDestination, withReference];
}

export function buildSolTransferInstructions(payer: TransactionSigner, recipient: Address, amount: bigint): Instruction[] {
  return [getTransferSolInstruction({ source: payer, destination: recipient, amount: lamports(amount) })];
}

export function memoInstruction(memo: string): Instruction {
  return getAddMemoInstruction({ memo }, { programAddress: PAYMENT_MEMO_PROGRAM_ADDRESS });
}

/** A signed v0 transaction paid by `payer`, valid until the blockhash expires. */
export async function signInstructions(payer: TransactionSigner, lifetime: Lifetime, instructions: Instruction[]) {
  return pipe(
    createTransactionMessage({ version: 0 }),
    (m) => setTransactionMessageFeePayerSigner(payer, m),
    (m) => setTransactionMessageLifetimeUsingBlockhash(lifetime, m),
    (m) => appendTransactionMessageInstructions(instructions, m),
    (m) => signTransactionMessageWithSigners(m),
  );
}
