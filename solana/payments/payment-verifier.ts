import { getBase58Encoder, getUtf8Decoder } from '@solana/kit';
import type { Signature } from '@solana/kit';
import { TOKEN_PROGRAM_ADDRESS } from '@solana-program/token';
import { LEGACY_MEMO_PROGRAM_ADDRESS_V3, MEMO_PROGRAM_ADDRESS } from '@solana-program/memo';
import { PAYMENT_REJECTION_MESSAGES } from '../../common/wallet/payment-verification';
import type { PaymentRejectionReason } from '../../common/wallet/payment-verification';
import { formatAmount } from '../../common/money/amount-text';
import type { TokenUnit } from '../../common/money/token';
import { looksLikeIdlegridMemo, parsePaymentMemo } from '../../common/money/payment-memo';

export interface TokenBalanceEntry {
  accountIndex: number;
  mint: string;
  owner?: string;
  programId?: string;
  uiTokenAmount: { amount: string; decimals: number };
}

/** The parts of a `json`-encoded getTransaction result the verifier reads. */
export interface JsonEncodedTransaction {
  slot: bigint;
  blockTime: bigint | null;
  meta: {
    err: unknown;
    preTokenBalances?: readonly TokenBalanceEntry[] | null;
    postTokenBalances?: readonly TokenBalanceEntry[] | null;
    loadedAddresses?: { writable: readonly string[]; readonly: readonly string[] } | null;
  } | null;
  transaction: {
    message: {
      accountKeys: readonly string[];
      instructions: readonly { programIdIndex: number; accounts: readonly number[]; data: string }[];
    };
  };
}

export interface ChainReader {
  transaction(signature: Signature, commitment: 'confirmed' | 'finalized'): Promise<JsonEncodedTransaction | null>;
  signatureStatus(signature: Signature): Promise<{ confirmationStatus: string | null; err: unknown } | null>;
}

export interface ExpectedPayment {
  signature: string;
  /** The supplier's wallet: the owner of the token account that must receive the money. */
  recipient: string;
  mint: string;
  /** Base units of the mint's token. */
  amount: bigint;
  /**
   * The token `mint` is a mint of, when the caller knows it: the mint's decimals must then
   * match the token's, so an amount counted in another token's base units is refused.
   */
  token?: TokenUnit;
  /** The payment request's reference key; null for a refund, which carries none. */
  reference: string | null;
  memo: string;
}

export type PaymentVerification =
  | { ok: true; signature: string; slot: bigint; receivedAmount: bigint; blockTimeMs: number | null }
  | { ok: false; signature: string; reason: PaymentRejectionReason; message: string; detail: string };

export interface CreditedPayment {
  signature: string;
  network: string;
  leaseId: string;
  increment: number;
  recipient: string;
  mint: string;
  amount: bigint;
  slot: bigint;
  blockTimeMs: number | null;
}

/** What a signature was credited to, and for how much. */
export type PaymentCredit = Pick<CreditedPayment, 'leaseId' | 'increment' | 'amount' | 'slot' | 'blockTimeMs'>;

export interface PaymentCreditStore {
  /** The credit of this signature, or null when it was never credited. */
  creditOf(signature: string): PaymentCredit | null;
  /** Records the credit durably; false when this signature was credited before. */
  credit(payment: CreditedPayment): boolean;
}

export interface PaymentVerifierDeps {
  chain: ChainReader;
  /** 'confirmed' (default) or 'finalized' for large amounts. */
  commitment?: 'confirmed' | 'finalized';
  /** Token programs whose mints are accepted; SPL Token only unless configured. */
  allowedTokenPrograms?: readonly string[];
  credits?: PaymentCreditStore;
}

const MEMO_PROGRAMS = new Set<string>([LEGACY_MEMO_PROGRAM_ADDRESS_V3, MEMO_PROGRAM_ADDRESS, 'Memo1UhkJRfHyvLMcVucJwxXeuD728EqVDDwQDxFMNo']);
const SIGNATURE = /^[1-9A-HJ-NP-Za-km-z]{64,88}$/;
/** SPL Token instruction tags, and how many accounts each takes before any extra (the reference). */
const TRANSFER = 3;
const TRANSFER_CHECKED = 12;
const base58 = getBase58Encoder();
const utf8 = getUtf8Decoder();

/**
 * Decides whether a transaction pays what a lease increment is owed, from the chain's
 * own record of it — never from what the payer claims. Workers run it before starting or
 * continuing a job, and the hub for its records. Checks, in order:
 *
 *   credited before (to this increment: settled; to another: refused)? → found at the
 *   required commitment? → succeeded (no meta.err)? → the expected mint, under an accepted
 *   token program? → exactly one top-level transfer into a token account owned by the
 *   recipient? → by at least the amount (read from that instruction, and the recipient's
 *   balance really went up by it)? → that transfer carries exactly the one reference key?
 *   → exactly one Idlegrid memo, and it is `idlegrid:<hub>:<lease>:<increment>`?
 *
 * One transfer, one reference, one memo: a transaction built to pay two leases (on one
 * hub, or on two hubs sharing a chain) is refused by both, because the amount of one
 * instruction cannot be counted twice and the owner's net balance change is not read
 * as the payment.
 *
 * A signature is credited once, ever, to one (lease, increment): `verifyAndCredit`
 * records it through a store with a unique key; asked again for the same increment it is
 * settled (the same answer), for any other it is `credited_elsewhere`.
 */
export class PaymentVerifier {
  private readonly commitment: 'confirmed' | 'finalized';
  private readonly allowedPrograms: ReadonlySet<string>;

  constructor(private readonly options: PaymentVerifierDeps) {
    this.commitment = options.commitment ?? 'confirmed';
    this.allowedPrograms = new Set(options.allowedTokenPrograms ?? [TOKEN_PROGRAM_ADDRESS]);
  }

  async verify(expected: ExpectedPayment): Promise<PaymentVerification> {
    const { signature } = expected;
    const reject = (reason: PaymentRejectionReason, detail: string): PaymentVerification => rejection(signature, reason, detail);
    if (!SIGNATURE.test(signature)) return reject('not_found', 'That is not a transaction signature.');
    const credit = this.options.credits?.creditOf(signature);
    if (credit) return this.settled(expected, credit);

    const tx = await this.options.chain.transaction(signature as Signature, this.commitment);
    if (!tx) {
      const status = await this.options.chain.signatureStatus(signature as Signature);
      if (!status) return reject('not_found', `No transaction ${signature} on this network.`);
      if (status.err) return reject('transaction_failed', `It failed on chain: ${describe(status.err)}.`);
      return reject('not_confirmed', `It is ${status.confirmationStatus ?? 'processed'}; ${this.commitment} is required.`);
    }
    if (!tx.meta) return reject('not_confirmed', 'The node returned the transaction without its status; ask again.');
    if (tx.meta.err) return reject('transaction_failed', `It failed on chain: ${describe(tx.meta.err)}.`);

    const pre = tx.meta.preTokenBalances ?? [];
    const post = tx.meta.postTokenBalances ?? [];
    const forMint = [...pre, ...post].filter((b) => b.mint === expected.mint);
    if (forMint.length === 0) {
      const mints = [...new Set([...pre, ...post].map((b) => b.mint))];
      return reject('wrong_mint', mints.length ? `It moved ${mints.join(', ')}, not ${expected.mint}.` : 'It moved no tokens at all.');
    }
    const program = forMint.find((b) => b.programId)?.programId;
    if (program && !this.allowedPrograms.has(program)) {
      return reject('token_program_not_allowed', `The mint is held under ${program}; accepted: ${[...this.allowedPrograms].join(', ')}.`);
    }
    const decimals = forMint[0]?.uiTokenAmount.decimals ?? 0;
    if (expected.token && expected.token.decimals !== decimals) {
      return reject('wrong_mint', `Mint ${expected.mint} has ${decimals} decimals; ${expected.token.symbol} has ${expected.token.decimals}.`);
    }
    const unit: TokenUnit = expected.token ?? { symbol: 'tokens', decimals };
    const text = (baseUnits: bigint) => formatAmount({ token: unit, baseUnits }, { symbol: !!expected.token });

    const message = tx.transaction.message;
    const accountKeys = [...message.accountKeys, ...(tx.meta.loadedAddresses?.writable ?? []), ...(tx.meta.loadedAddresses?.readonly ?? [])];
    const transfers = transfersTo(message.instructions, accountKeys, post, expected, this.allowedPrograms);
    if (transfers.length === 0) {
      const gainers = [...new Set(post.filter((b) => b.mint === expected.mint && ownerDelta(pre, post, expected.mint, b.owner ?? '') > 0n).map((b) => b.owner ?? 'unknown'))];
      return reject('wrong_recipient', gainers.length
        ? `The tokens went to ${gainers.join(', ')}, not to token accounts owned by ${expected.recipient}.`
        : `No transfer into a token account owned by ${expected.recipient} pays ${expected.mint}.`);
    }
    if (transfers.length > 1) return reject('transfer_not_unique', `It makes ${transfers.length} transfers to ${expected.recipient}; a payment is one transfer.`);
    const transfer = transfers[0]!;
    // The instruction says what was sent; the balances confirm it stayed with the recipient.
    const delta = ownerDelta(pre, post, expected.mint, expected.recipient);
    const received = delta < transfer.amount ? delta : transfer.amount;
    if (received < expected.amount) return reject('amount_too_low', `Received ${text(received)}, expected ${text(expected.amount)}.`);

    if (expected.reference === null) {
      if (transfer.extraAccounts.length > 0) return reject('reference_not_unique', 'A refund carries no reference key; this transfer carries extra accounts.');
    } else if (!transfer.extraAccounts.includes(expected.reference)) {
      return reject('missing_reference', `Reference ${expected.reference} is not among the transfer's accounts.`);
    }
    if (transfer.extraAccounts.length > 1) {
      return reject('reference_not_unique', `The transfer carries ${transfer.extraAccounts.length} extra accounts (${transfer.extraAccounts.join(', ').slice(0, 200)}); a payment carries its one reference.`);
    }
    const memos = message.instructions
      .filter((ix) => MEMO_PROGRAMS.has(accountKeys[ix.programIdIndex] ?? ''))
      .map((ix) => decodeMemo(ix.data));
    const ours = memos.filter(looksLikeIdlegridMemo);
    if (ours.length > 1) return reject('memo_not_unique', `It carries ${ours.length} Idlegrid memos ("${ours.join('", "').slice(0, 200)}").`);
    if (ours[0] !== expected.memo) {
      return reject('wrong_memo', memos.length ? `Its memo is "${memos.join('", "').slice(0, 200)}", expected "${expected.memo}".` : `It has no memo; expected "${expected.memo}".`);
    }

    return {
      ok: true,
      signature,
      slot: tx.slot,
      receivedAmount: received,
      blockTimeMs: tx.blockTime === null ? null : Number(tx.blockTime) * 1000,
    };
  }

  /**
   * `verify`, then records the credit once. A signature credited before settles the
   * increment it was credited to (the same answer again, e.g. after a restart between the
   * credit and the earnings row) and nothing else: `credited_elsewhere`.
   */
  async verifyAndCredit(expected: ExpectedPayment, context: { network: string; leaseId: string; increment: number }): Promise<PaymentVerification> {
    const credits = this.options.credits;
    if (!credits) throw new Error('PaymentVerifier.verifyAndCredit needs a credit store.');
    const memo = parsePaymentMemo(expected.memo);
    if (!memo || memo.leaseId !== context.leaseId || memo.increment !== context.increment) {
      throw new Error(`PaymentVerifier.verifyAndCredit: the memo "${expected.memo}" does not name lease ${context.leaseId}, increment ${context.increment}.`);
    }
    const result = await this.verify(expected);
    if (!result.ok) return result;
    const fresh = credits.credit({
      signature: expected.signature,
      network: context.network,
      leaseId: context.leaseId,
      increment: context.increment,
      recipient: expected.recipient,
      mint: expected.mint,
      amount: result.receivedAmount,
      slot: result.slot,
      blockTimeMs: result.blockTimeMs,
    });
    if (fresh) return result;
    // Two verifications of the same signature raced; the store let exactly one through,
    // and the winner's credit decides.
    const credit = credits.creditOf(expected.signature);
    return credit ? this.settled(expected, credit) : rejection(expected.signature, 'already_credited', `Signature ${expected.signature} was credited before.`);
  }

  /** A signature credited before: it settles its own increment only. */
  private settled(expected: ExpectedPayment, credit: PaymentCredit): PaymentVerification {
    const memo = parsePaymentMemo(expected.memo);
    if (memo && memo.leaseId === credit.leaseId && memo.increment === credit.increment && credit.amount >= expected.amount) {
      return { ok: true, signature: expected.signature, slot: credit.slot, receivedAmount: credit.amount, blockTimeMs: credit.blockTimeMs };
    }
    return rejection(expected.signature, 'credited_elsewhere', `Signature ${expected.signature} was credited to lease ${credit.leaseId}, increment ${credit.increment}.`);
  }
}

function rejection(signature: string, reason: PaymentRejectionReason, detail: string): PaymentVerification {
  return { ok: false, signature, reason, message: PAYMENT_REJECTION_MESSAGES[reason], detail };
}

interface TransferInstruction {
  amount: bigint;
  /** Accounts after the token program's own: where the payment's reference rides. */
  extraAccounts: string[];
}

/**
 * The top-level SPL transfers (Transfer, TransferChecked) under an accepted token program
 * into a token account of `expected.mint` owned by `expected.recipient`. Ownership and
 * mint come from the post-transaction token balances the node computed for that account.
 */
function transfersTo(
  instructions: JsonEncodedTransaction['transaction']['message']['instructions'],
  accountKeys: readonly string[],
  post: readonly TokenBalanceEntry[],
  expected: ExpectedPayment,
  allowedPrograms: ReadonlySet<string>,
): TransferInstruction[] {
  const out: TransferInstruction[] = [];
  for (const ix of instructions) {
    if (!allowedPrograms.has(accountKeys[ix.programIdIndex] ?? '')) continue;
    let data: Uint8Array;
    try {
      data = base58.encode(ix.data) as Uint8Array;
    } catch {
      continue;
    }
    const tag = data[0];
    const fixed = tag === TRANSFER_CHECKED ? 4 : tag === TRANSFER ? 3 : 0;
    if (fixed === 0 || data.length < 9 || ix.accounts.length < fixed) continue;
    const destination = ix.accounts[tag === TRANSFER_CHECKED ? 2 : 1]!;
    const balance = post.find((b) => b.accountIndex === destination);
    if (!balance || balance.mint !== expected.mint || balance.owner !== expected.recipient) continue;
    if (tag === TRANSFER_CHECKED && accountKeys[ix.accounts[1]!] !== expected.mint) continue;
    let amount = 0n;
    for (let i = 8; i >= 1; i--) amount = (amount << 8n) | BigInt(data[i]!);
    out.push({ amount, extraAccounts: ix.accounts.slice(fixed).map((i) => accountKeys[i] ?? '') });
  }
  return out;
}

/** Sum over the owner's token accounts of the mint: post minus pre (absent = 0). */
function ownerDelta(pre: readonly TokenBalanceEntry[], post: readonly TokenBalanceEntry[], mint: string, owner: string): bigint {
  let total = 0n;
  for (const b of post) if (b.mint === mint && b.owner === owner) total += BigInt(b.uiTokenAmount.amount);
  for (const b of pre) if (b.mint === mint && b.owner === owner) total -= BigInt(b.uiTokenAmount.amount);
  return total;
}

/**
 * The Idlegrid payment memo a transaction carries (`idlegrid:<hub>:<lease>:<increment>`),
 * or null when it carries none or more than one: how a supplier finds, on chain, payments
 * to its address that it never booked (issue 19, item 3). Finding one proves nothing:
 * the payment is then checked in full by `verify`.
 */
export function idlegridPaymentMemoOf(tx: JsonEncodedTransaction): string | null {
  const message = tx.transaction.message;
  const accountKeys = [...message.accountKeys, ...(tx.meta?.loadedAddresses?.writable ?? []), ...(tx.meta?.loadedAddresses?.readonly ?? [])];
  const ours = message.instructions
    .filter((ix) => MEMO_PROGRAMS.has(accountKeys[ix.programIdIndex] ?? ''))
    .map((ix) => decodeMemo(ix.data))
    .filter((memo) => parsePaymentMemo(memo) !== null);
  return ours.length === 1 ? ours[0]! : null;
}

function decodeMemo(data: string): string {
  try {
    return utf8.decode(base58.encode(data));
  } catch {
    return '';
  }
}

function describe(err: unknown): string {
  return typeof err === 'string' ? err : JSON.stringify(err, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
}
