import type Database from 'better-sqlite3';
import type { CreditedPayment, PaymentCredit, PaymentCreditStore } from '../../solana/payments/payment-verifier';

/**
 * Credited payments in ledger.db (migration 3). The signature is the primary key, so
 * the database itself refuses a second credit of the same payment, whichever process or
 * code path tries; the insert is its own transaction, durable (synchronous=FULL) before
 * `credit` returns and a job starts on the strength of it.
 */
export class CreditedPayments implements PaymentCreditStore {
  private readonly exists: Database.Statement<[string], number>;
  private readonly byId: Database.Statement<[string], { lease_id: string; increment: number; amount_base_units: string; slot: number | bigint; block_time_ms: number | null }>;
  private readonly insert: Database.Statement<[string, string, string, number, string, string, string, bigint, number | null, number]>;

  constructor(
    private readonly db: Database.Database,
    private readonly nowMs: () => number = Date.now,
  ) {
    this.exists = db.prepare<[string], number>('SELECT 1 FROM credited_payments WHERE signature = ?').pluck();
    this.byId = db.prepare('SELECT lease_id, increment, amount_base_units, slot, block_time_ms FROM credited_payments WHERE signature = ?');
    this.insert = db.prepare(
      `INSERT INTO credited_payments
         (signature, network, lease_id, increment, recipient, mint, amount_base_units, slot, block_time_ms, credited_at_ms)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(signature) DO NOTHING`,
    );
  }

  isCredited(signature: string): boolean {
    return this.exists.get(signature) === 1;
  }

  /** What this signature was credited to: it settles that (lease, increment) and nothing else. */
  creditOf(signature: string): PaymentCredit | null {
    const row = this.byId.get(signature);
    if (!row) return null;
    return { leaseId: row.lease_id, increment: row.increment, amount: BigInt(row.amount_base_units), slot: BigInt(row.slot), blockTimeMs: row.block_time_ms };
  }

  credit(payment: CreditedPayment): boolean {
    const run = this.db.transaction(() =>
      this.insert.run(
        payment.signature,
        payment.network,
        payment.leaseId,
        payment.increment,
        payment.recipient,
        payment.mint,
        payment.amount.toString(),
        payment.slot,
        payment.blockTimeMs,
        this.nowMs(),
      ),
    );
    return run().changes === 1;
  }
}
