import { PAYMENT_TOKEN } from '../money/token-registry';

/**
 * Why a payment was not accepted. Workers and the hub branch on the code (retry later,
 * refuse the job, flag the renter); people read the message. Transport failures (the RPC
 * cannot be reached) are not verdicts: the verifier throws for those so nobody mistakes
 * "could not check" for "not paid".
 */
export const PAYMENT_REJECTION_REASONS = [
  /** No transaction with this signature on the chain (yet, or ever). */
  'not_found',
  /** It exists but has not reached the required commitment: ask again later. */
  'not_confirmed',
  /** It landed but failed (`meta.err`): nothing was transferred. */
  'transaction_failed',
  /** It moved a different token (or none) than the expected mint. */
  'wrong_mint',
  /** The mint lives under a token program that is not accepted (Token-2022 unless configured). */
  'token_program_not_allowed',
  /** The expected mint went to a token account that the recipient does not own. */
  'wrong_recipient',
  /** The recipient's balance went up by less than the amount due. */
  'amount_too_low',
  /** The reference key of this payment request is not among the transaction's accounts. */
  'missing_reference',
  /** No memo, or a memo for another hub, lease or increment. */
  'wrong_memo',
  /** More than one Idlegrid memo: one transfer could otherwise be presented for two leases. */
  'memo_not_unique',
  /** The transfer carries more than the one reference key of its payment request. */
  'reference_not_unique',
  /** More than one transfer into the recipient's token accounts: which one pays is ambiguous. */
  'transfer_not_unique',
  /** This signature was credited to another lease or increment: it pays that one only. */
  'credited_elsewhere',
  /** This signature has already been credited once; a payment counts once, ever. */
  'already_credited',
] as const;

export type PaymentRejectionReason = (typeof PAYMENT_REJECTION_REASONS)[number];

export const PAYMENT_REJECTION_MESSAGES: Record<PaymentRejectionReason, string> = {
  not_found: 'No transaction with this signature was found on the network. Check the network, or wait and ask again.',
  not_confirmed: 'The payment is on the network but not yet confirmed. Ask again in a few seconds.',
  transaction_failed: 'The payment transaction failed on chain, so nothing was paid. Pay again.',
  wrong_mint: `The transaction did not pay in the expected token. Pay in ${PAYMENT_TOKEN.symbol} on this network.`,
  token_program_not_allowed: `The token is held under a token program that is not accepted here (such as Token-2022). Pay with standard SPL ${PAYMENT_TOKEN.symbol}.`,
  wrong_recipient: `The payment went to an account the supplier does not own. Pay to the supplier's own ${PAYMENT_TOKEN.symbol} account.`,
  amount_too_low: 'The payment is smaller than the amount due. Pay the rest in a new payment.',
  missing_reference: "The transaction does not carry this payment's reference key, so it cannot be matched to the request.",
  wrong_memo: 'The transaction has no memo for this hub, lease and increment, so it cannot be matched to the request.',
  memo_not_unique: 'The transaction carries more than one Idlegrid memo. Pay each increment of each lease with its own transaction.',
  reference_not_unique: "The transfer carries more than this payment's one reference key. Pay each increment of each lease with its own transaction.",
  transfer_not_unique: 'The transaction makes more than one transfer to the supplier. Pay each increment with one transfer.',
  credited_elsewhere: 'This payment was already counted for another lease or increment; it pays that one only. Pay this increment with a new transaction.',
  already_credited: 'This payment was already counted once. Each payment counts once; pay the next increment with a new transaction.',
};

/** What is expected of a payment, as it crosses the wire (amounts as decimal strings). */
export interface ExpectedPaymentWire {
  signature: string;
  recipient: string;
  mint: string;
  amount: string;
  reference: string;
  memo: string;
}

export type PaymentVerificationWire =
  | { ok: true; signature: string; slot: number; receivedAmount: string; blockTimeMs: number | null }
  | { ok: false; signature: string; reason: PaymentRejectionReason; message: string; detail: string };
