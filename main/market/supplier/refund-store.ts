import type Database from 'better-sqlite3';
import type { StoredEarning } from './earnings-store';

export type RefundState = 'owed' | 'sent' | 'confirmed';

/** One refund of the unused part of one paid increment (migration 7). */
export interface StoredRefund {
  leaseId: string;
  increment: number;
  /** Who gets it back: the lease's renter. */
  renter: string;
  /** Who pays it: the payout wallet that received the payment. */
  payer: string;
  paymentSignature: string;
  amount: bigint;
  mint: string;
  memo: string;
  network: string;
  reason: string;
  state: RefundState;
  signature: string | null;
  lastValidBlockHeight: bigint | null;
  message: string | null;
  owedAtMs: number;
  sentAtMs: number | null;
  confirmedAtMs: number | null;
}

interface RefundRow {
  lease_id: string;
  increment: number;
  renter: string;
  payer: string;
  payment_signature: string;
  amount_base_units: string;
  mint: string;
  memo: string;
  network: string;
  reason: string;
  state: RefundState;
  signature: string | null;
  last_valid_block_height: string | null;
  message: string | null;
  owed_at_ms: number;
  sent_at_ms: number | null;
  confirmed_at_ms: number | null;
}

const fromRow = (r: RefundRow): StoredRefund => ({
  leaseId: r.lease_id,
  increment: r.increment,
  renter: r.renter,
  payer: r.payer,
  paymentSignature: r.payment_signature,
  amount: BigInt(r.amount_base_units),
  mint: r.mint,
  memo: r.memo,
  network: r.network,
  reason: r.reason,
  state: r.state,
  signature: r.signature,
  lastValidBlockHeight: r.last_valid_block_height === null ? null : BigInt(r.last_valid_block_height),
  message: r.message,
  owedAtMs: r.owed_at_ms,
  sentAtMs: r.sent_at_ms,
  confirmedAtMs: r.confirmed_at_ms,
});

export type NewRefund = Pick<StoredRefund, 'leaseId' | 'increment' | 'renter' | 'payer' | 'paymentSignature' | 'amount' | 'mint' | 'memo' | 'network' | 'reason'>;

/**
 * Refunds in ledger.db. Every write is its own transaction (synchronous=FULL): `owe` is
 * durable before a signature exists, `markSigned` before the transaction is sent, so a
 * crash at any point leaves a row that says what to do at the next start.
 */
export class RefundStore {
  constructor(
    private readonly db: Database.Database,
    private readonly nowMs: () => number,
  ) {}

  /** True when the refund is new; a refund of that increment owed before is kept as it is. */
  owe(r: NewRefund): boolean {
    const run = this.db.transaction(() =>
      this.db
        .prepare(
          `INSERT INTO supplier_refunds (lease_id, increment, renter, payer, payment_signature, amount_base_units, mint, memo, network, reason, state, owed_at_ms)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'owed', ?) ON CONFLICT DO NOTHING`,
        )
        .run(r.leaseId, r.increment, r.renter, r.payer, r.paymentSignature, r.amount.toString(), r.mint, r.memo, r.network, r.reason.slice(0, 500), this.nowMs()),
    );
    return run().changes === 1;
  }

  markSigned(leaseId: string, increment: number, signature: string, lastValidBlockHeight: bigint): void {
    this.db
      .prepare("UPDATE supplier_refunds SET state = 'sent', signature = ?, last_valid_block_height = ?, sent_at_ms = ?, message = NULL WHERE lease_id = ? AND increment = ? AND state = 'owed'")
      .run(signature, lastValidBlockHeight.toString(), this.nowMs(), leaseId, increment);
  }

  markConfirmed(leaseId: string, increment: number): void {
    this.db.prepare("UPDATE supplier_refunds SET state = 'confirmed', confirmed_at_ms = ?, message = NULL WHERE lease_id = ? AND increment = ?").run(this.nowMs(), leaseId, increment);
  }

  /** The signed transaction expired or failed without moving money: owed again, to be signed anew. */
  markOwedAgain(leaseId: string, increment: number, message: string): void {
    this.db.prepare("UPDATE supplier_refunds SET state = 'owed', signature = NULL, last_valid_block_height = NULL, sent_at_ms = NULL, message = ? WHERE lease_id = ? AND increment = ? AND state = 'sent'").run(message.slice(0, 500), leaseId, increment);
  }

  /** Why the last attempt did not pay (a locked wallet, no SOL for the fee), for the owner to read. */
  note(leaseId: string, increment: number, message: string): void {
    this.db.prepare('UPDATE supplier_refunds SET message = ? WHERE lease_id = ? AND increment = ?').run(message.slice(0, 500), leaseId, increment);
  }

  unsettled(): StoredRefund[] {
    return (this.db.prepare("SELECT * FROM supplier_refunds WHERE state <> 'confirmed' ORDER BY owed_at_ms").all() as RefundRow[]).map(fromRow);
  }

  forLease(leaseId: string): StoredRefund[] {
    return (this.db.prepare('SELECT * FROM supplier_refunds WHERE lease_id = ? ORDER BY increment').all(leaseId) as RefundRow[]).map(fromRow);
  }

  all(): StoredRefund[] {
    return (this.db.prepare('SELECT * FROM supplier_refunds ORDER BY owed_at_ms').all() as RefundRow[]).map(fromRow);
  }
}

/**
 * A refund as a negative earnings row: what the owner earned goes down by it from the
 * moment it is owed (the money is no longer theirs, paid or not yet).
 */
export function refundAsEarning(r: StoredRefund): StoredEarning {
  return {
    signature: r.signature ?? `refund-owed:${r.leaseId}:${r.increment}`,
    leaseId: r.leaseId,
    increment: r.increment,
    renter: r.renter,
    amount: -r.amount,
    recipient: r.renter,
    mint: r.mint,
    reference: '',
    memo: r.memo,
    network: r.network,
    gpuCount: 0,
    electricityPricePerKwh: 0n,
    paidAtMs: r.sentAtMs ?? r.owedAtMs,
    gpuSeconds: 0,
    energyWh: 0,
    reconcile: r.state === 'confirmed' ? 'ok' : 'unchecked',
    reconcileMessage: r.state === 'confirmed' ? null : r.message ?? `Refund ${r.state}.`,
    reconciledAtMs: r.confirmedAtMs,
  };
}
