/**
 * The memo on every lease payment: `idlegrid:<hub>:<lease>:<increment>`. It ties a
 * transfer to one prepaid increment of one lease made by one hub, so a payment cannot be
 * presented for another lease, counted twice for the same lease, or credited by a second
 * hub that shares the chain (lease ids are only unique within their hub). Hub and lease
 * ids are kept to a safe alphabet so the memo splits without ambiguity.
 *
 * Refunds carry `idlegrid-refund:<hub>:<lease>:<increment>`: a supplier giving back the
 * unused part of the increment it was paid for. A refund memo is never a payment memo.
 */
export const PAYMENT_MEMO_PREFIX = 'idlegrid';
export const REFUND_MEMO_PREFIX = 'idlegrid-refund';

const ID = /^[A-Za-z0-9._-]{1,64}$/;
const LEASE_ID = /^[A-Za-z0-9_-]{1,64}$/;
const MAX_INCREMENT = 1_000_000_000;

export interface PaymentMemo {
  hubId: string;
  leaseId: string;
  increment: number;
}

export function isLeaseId(value: string): boolean {
  return LEASE_ID.test(value);
}

/**
 * A hub's id in memos, from the name its sign-in challenges carry (`host:port` by
 * default): every character outside the memo's alphabet becomes "_", so
 * "127.0.0.1:7070" is "127.0.0.1_7070". Deterministic, so the renter, the hub and the
 * supplier derive the same id from the same name.
 */
export function hubIdOf(domain: string): string {
  const id = domain.trim().toLowerCase().replace(/[^a-z0-9._-]/g, '_').slice(0, 64);
  return id || 'hub';
}

export function formatPaymentMemo(hubId: string, leaseId: string, increment: number): string {
  return format(PAYMENT_MEMO_PREFIX, hubId, leaseId, increment);
}

export function formatRefundMemo(hubId: string, leaseId: string, increment: number): string {
  return format(REFUND_MEMO_PREFIX, hubId, leaseId, increment);
}

/** The memo's parts, or null when the text is not an Idlegrid payment memo. */
export function parsePaymentMemo(memo: string): PaymentMemo | null {
  return parse(PAYMENT_MEMO_PREFIX, memo);
}

export function parseRefundMemo(memo: string): PaymentMemo | null {
  return parse(REFUND_MEMO_PREFIX, memo);
}

/** True for any memo that claims to be Idlegrid's (well-formed or not): at most one may ride on a payment. */
export function looksLikeIdlegridMemo(memo: string): boolean {
  return memo.startsWith(`${PAYMENT_MEMO_PREFIX}:`) || memo.startsWith(`${REFUND_MEMO_PREFIX}:`);
}

function format(prefix: string, hubId: string, leaseId: string, increment: number): string {
  if (!ID.test(hubId)) throw new Error(`Hub id "${hubId.slice(0, 80)}" is not valid: use 1–64 letters, digits, ".", "_" or "-".`);
  if (!LEASE_ID.test(leaseId)) {
    throw new Error(`Lease id "${leaseId.slice(0, 80)}" is not valid: use 1–64 letters, digits, "_" or "-".`);
  }
  if (!Number.isSafeInteger(increment) || increment < 0 || increment > MAX_INCREMENT) {
    throw new Error(`Payment increment must be a whole number from 0 to ${MAX_INCREMENT}, got ${increment}.`);
  }
  return `${prefix}:${hubId}:${leaseId}:${increment}`;
}

function parse(prefix: string, memo: string): PaymentMemo | null {
  const parts = memo.split(':');
  if (parts.length !== 4 || parts[0] !== prefix) return null;
  const [, hubId, leaseId, incrementText] = parts as [string, string, string, string];
  if (!ID.test(hubId) || !LEASE_ID.test(leaseId) || !/^(0|[1-9]\d{0,9})$/.test(incrementText)) return null;
  const increment = Number(incrementText);
  return increment <= MAX_INCREMENT ? { hubId, leaseId, increment } : null;
}
