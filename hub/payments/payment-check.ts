/**
 * The hub's view of on-chain payment verification. The hub asks one question — "does this
 * transaction pay this recipient this amount of this mint, with this reference and memo,
 * and did it succeed at the required commitment?" — and gets yes, or no with a reason
 * code. Crediting a signature once is the hub store's job (a unique key), not the
 * checker's, so the same checker can be asked again after a hub restart.
 */
import type { TokenUnit } from '../../common/money/token';

export interface ExpectedTransfer {
  /** The supplier's wallet (owner of the receiving token account). */
  recipient: string;
  mint: string;
  /** The token `mint` is a mint of: the verifier checks the mint's decimals against it. */
  token?: TokenUnit;
  amount: bigint;
  /** The Solana Pay reference key the transfer must include; null for a refund (none). */
  reference: string | null;
  /** `idlegrid:<hubId>:<leaseId>:<increment>` (`idlegrid-refund:…` for a refund) */
  memo: string;
}

export type PaymentCheckResult =
  | { ok: true; payer: string | null }
  | {
      ok: false;
      /** The verifier's reason code, e.g. wrong_mint, short_amount, not_confirmed. */
      reason: string;
      message: string;
      /** True when asking again later may succeed (not yet confirmed, RPC unreachable). */
      retryable: boolean;
    };

export interface PaymentCheck {
  verify(expected: ExpectedTransfer, signature: string): Promise<PaymentCheckResult>;
}

