/**
 * The memo on every lease payment: `idlegrid:<lease>:<increment>`. It ties a transfer to
 * one prepaid increment of one lease, so a payment cannot be presented for another
 * lease or counted twice for the same lease. Lease ids are made by the hub and kept to a
 * safe alphabet so the memo can be split without ambiguity.
 */
export const PAYMENT_MEMO_PREFIX = 'idlegrid';

const LEASE_ID = /^[A-Za-z0-9_-]{1,64}$/;
const MAX_INCREMENT = 1_000_000_000;

export interface PaymentMemo {
  leaseId: string;
  increment: number;
}

export function isLeaseId(value: string): boolean {
  return LEASE_ID.test(value);
}

export function formatPaymentMemo(leaseId: string, increment: number): string {
  if (!LEASE_ID.test(leaseId)) {
    throw new Error(`Lease id "${leaseId.slice(0, 80)}" is not valid: use 1–64 letters, digits, "_" or "-".`);
  }
  if (!Number.isSafeInteger(increment) || increment < 0 || increment > MAX_INCREMENT) {
    throw new Error(`Payment increment must be a whole number from 0 to ${MAX_INCREMENT}, got ${increment}.`);
  }
  return `${PAYMENT_MEMO_PREFIX}:${leaseId}:${increment}`;
}

/** The memo's parts, or null when the text is not an Idlegrid payment memo. */
export function parsePaymentMemo(memo: string): PaymentMemo | null {
  const parts = memo.split(':');
  if (parts.length !== 3 || parts[0] !== PAYMENT_MEMO_PREFIX) return null;
  const [, leaseId, incrementText] = parts as [string, string, string];
  if (!LEASE_ID.test(leaseId) || !/^(0|[1-9]\d{0,9})$/.test(incrementText)) return null;
  const increment = Number(incrementText);
  return increment <= MAX_INCREMENT ? { leaseId, increment } : null;
}
