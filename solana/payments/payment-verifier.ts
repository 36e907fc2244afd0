import { getBase58Encoder, getUtf8Decoder } from '@solana/kit';
import type { Signature } from '@solana/kit';
import { TOKEN_PROGRAM_ADDRESS } from '@solana-program/token';
import { LEGACY_MEMO_PROGRAM_ADDRESS_V3, MEMO_PROGRAM_ADDRESS } from '@solana-program/memo';
import { PAYMENT_REJECTION_MESSAGES } from '../../common/wallet/payment-verification';
import type { PaymentRejectionReason } from '../../common/wallet/payment-verification';
import { formatAmount } from '../../common/money/amount-text';
import type { TokenUnit } from '../../common/money/token';

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
  reference: string;
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

export interface PaymentCreditStore {
  isCredited(signature: string): boolean;
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
const base58 = getBase58Encoder();
const utf8 = getUtf8Decoder();

/**
 * Decides whether a transaction pays what a lease increment is owed, from the chain's
 * own record of it — never from what the payer claims. Workers run it before starting or
 * continuing a job, and the hub for its records. Checks, in order:
 *
 *   credited before? → found at the required commitment? → succeeded (no meta.err)? →
 *   the expected mint, under an accepted token program? → a token account owned by the
 *   recipient received it? → by at least the amount? → carries the reference key? →
 *   carries the memo `idlegrid:<lease>:<increment>`?
 *
 * Amounts come from the pre/post token balances the node computed, so a transfer made
 * through another program (CPI) counts the same as a direct one, and a transaction that
 * moves money out again in the same breath only counts what stayed.
 *
 * A signature is credited once, ever: `verifyAndCredit` records it through a store with a
 * unique constraint, and a second attempt is `already_credited`, even for another lease.
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
    const reject = (reason: PaymentRejectionReason, detail: string): PaymentVerification => ({
      ok: false,
      signature,
      reason,
      message: PAYMENT_REJECTION_MESSAGES[reason],
      detail,
    });
    if (!SIGNATURE.test(signature)) return reject('not_found', 'That is not a transaction signature.');
    if (this.options.credits?.isCredited(signature)) return reject('already_credited', `Signature ${signature} was credited before.`);

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

    const received = ownerDelta(pre, post, expected.mint, expected.recipient);
    if (received <= 0n) {
      const gainers = [...new Set(post.filter((b) => b.mint === expected.mint && ownerDelta(pre, post, expected.mint, b.owner ?? '') > 0n).map((b) => b.owner ?? 'unknown'))];
      return reject('wrong_recipient', gainers.length
        ? `The tokens went to ${gainers.join(', ')}, not to token accounts owned by ${expected.recipient}.`
        : `No token account owned by ${expected.recipient} received ${expected.mint}.`);
    }
    if (received < expected.amount) {
      return reject('amount_too_low', `Received ${formatAmount({ token: unit, baseUnits: received }, { symbol: !!expected.token })}, expected ${formatAmount({ token: unit, baseUnits: expected.amount }, { symbol: !!expected.token })}.`);
    }

    const message = tx.transaction.message;
    const accountKeys = [...message.accountKeys, ...(tx.meta.loadedAddresses?.writable ?? []), ...(tx.meta.loadedAddresses?.readonly ?? [])];
    if (!accountKeys.includes(expected.reference)) {
      return reject('missing_reference', `Reference ${expected.reference} is not among the transaction's accounts.`);
    }
    const memos = message.instructions
      .filter((ix) => MEMO_PROGRAMS.has(accountKeys[ix.programIdIndex] ?? ''))
      .map((ix) => decodeMemo(ix.data));
    if (!memos.includes(expected.memo)) {
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

  /** `verify`, then records the credit once; a signature credited before is `already_credited`. */
  async verifyAndCredit(expected: ExpectedPayment, context: { network: string; leaseId: string; increment: number }): Promise<PaymentVerification> {
    const credits = this.options.credits;
    if (!credits) throw new Error('PaymentVerifier.verifyAndCredit needs a credit store.');
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
    if (!fresh) {
      // Two verifications of the same signature raced; the store let exactly one through.
      return {
        ok: false,
        signature: expected.signature,
        reason: 'already_credited',
        message: PAYMENT_REJECTION_MESSAGES.already_credited,
        detail: `Signature ${expected.signature} was credited before.`,
      };
    }
    return result;
  }
}

/** Sum over the owner's token accounts of the mint: post minus pre (absent = 0). */
function ownerDelta(pre: readonly TokenBalanceEntry[], post: readonly TokenBalanceEntry[], mint: string, owner: string): bigint {
  let total = 0n;
  for (const b of post) if (b.mint === mint && b.owner === owner) total += BigInt(b.uiTokenAmount.amount);
  for (const b of pre) if (b.mint === mint && b.owner === owner) total -= BigInt(b.uiTokenAmount.amount);
  return total;
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
