import { incrementNumber } from '../../../../common/market/increment-number';
import { parsePaymentMemo, parseRefundMemo } from '../../../../common/money/payment-memo';
import type { WalletTransaction } from '../../../../common/wallet/wallet-types';
import { shortAddress } from '../../format/wallet-format';

export type TransactionDirection = 'in' | 'out' | 'none';

/** Whether the wallet received or spent: its payment token first (fees alone make SOL negative). */
export function transactionDirection(tx: Pick<WalletTransaction, 'tokenChange' | 'solChange'>): TransactionDirection {
  const change = tx.tokenChange !== '0' ? tx.tokenChange : tx.solChange;
  if (change === '0') return 'none';
  return change.startsWith('-') ? 'out' : 'in';
}

/**
 * What a row of Recent transactions says. An incoming lease payment carries the same memo
 * as the renter's outgoing one, so without a direction and the other side both read alike:
 * "Received from 7xKX…gAsU: lease lease-7f…, increment 1".
 */
export function transactionText(tx: WalletTransaction): string {
  const direction = transactionDirection(tx);
  const who = tx.counterparty ? shortAddress(tx.counterparty) : null;
  // What this app did itself already says what and to whom ("Pay lease …, increment 2: … to …").
  if (tx.purpose && direction !== 'in') return tx.purpose;
  const payment = tx.memo ? parsePaymentMemo(tx.memo) : null;
  const refund = tx.memo && !payment ? parseRefundMemo(tx.memo) : null;
  const lease = payment ?? refund;
  const what = lease ? `${refund ? 'refund of ' : ''}lease ${lease.leaseId}, increment ${incrementNumber(lease.increment)}` : (tx.purpose ?? tx.memo);
  if (direction === 'in') return `Received${who ? ` from ${who}` : ''}${what ? `: ${what}` : ''}`;
  if (direction === 'out') return `Sent${who ? ` to ${who}` : ''}${what ? `: ${what}` : ''}`;
  return what ?? (who ? `With ${who}` : 'Transaction');
}
