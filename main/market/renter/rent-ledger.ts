import type Database from 'better-sqlite3';
import type { RentReceipt } from '../../../common/market/rent-types';

/** One transfer to a supplier for a lease increment, as this app recorded it. */
export interface RentPayment {
  leaseId: string;
  increment: number;
  payee: string;
  payer: string;
  /** Base units of `token` (a symbol of common/money's registry; `mint` is its mint). */
  amount: bigint;
  token: string;
  mint: string;
  reference: string;
  network: string;
  /** signed: may or may not have left; sent: on chain; submitted: the hub credited it. */
  state: 'signed' | 'sent' | 'submitted';
  signature: string;
  autoApproved: boolean;
  signedAtMs: number;
  paidAtMs: number | null;
  submittedAtMs: number | null;
  /** The signed wire transaction (base64), kept so a crash before sending re-sends it (null for rows from before ledger migration 10). */
  signedTransaction: string | null;
  /** The block height after which `signedTransaction` can no longer land. */
  lastValidBlockHeight: bigint | null;
}

export interface RentLeaseRecord {
  leaseId: string;
  renter: string;
  hubUrl: string;
  autoPayEnabled: boolean;
  ended: boolean;
}

interface PaymentRow {
  lease_id: string;
  increment: number;
  payee: string;
  payer: string;
  amount_base_units: string;
  token: string;
  mint: string;
  reference: string;
  network: string;
  state: RentPayment['state'];
  signature: string;
  auto_approved: number;
  signed_at_ms: number;
  paid_at_ms: number | null;
  submitted_at_ms: number | null;
  signed_transaction: string | null;
  last_valid_block_height: string | null;
}

interface LeaseRow {
  lease_id: string;
  renter: string;
  hub_url: string;
  auto_pay_enabled: number;
  ended: number;
}

/**
 * The renter's leases and payments in ledger.db (migrations 5 and 6). Every write is its own
 * transaction on a `synchronous=FULL` database, so a recorded signature is on disk
 * before the transaction carrying it is sent.
 */
export class RentLedger {
  constructor(
    private readonly db: Database.Database,
    private readonly nowMs: () => number = Date.now,
  ) {}

  /** Remembers a lease this app quoted or paid (idempotent). */
  rememberLease(leaseId: string, renter: string, hubUrl: string): void {
    const now = this.nowMs();
    this.db
      .prepare(
        `INSERT INTO rent_leases (lease_id, renter, hub_url, created_at_ms, updated_at_ms) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT(lease_id) DO NOTHING`,
      )
      .run(leaseId, renter, hubUrl, now, now);
  }

  lease(leaseId: string): RentLeaseRecord | null {
    const row = this.db.prepare<[string], LeaseRow>('SELECT * FROM rent_leases WHERE lease_id = ?').get(leaseId);
    return row ? leaseOf(row) : null;
  }

  openLeases(renter: string, hubUrl: string): RentLeaseRecord[] {
    return this.db
      .prepare<[string, string], LeaseRow>('SELECT * FROM rent_leases WHERE renter = ? AND hub_url = ? AND ended = 0')
      .all(renter, hubUrl)
      .map(leaseOf);
  }

  setAutoPay(leaseId: string, enabled: boolean): void {
    this.db.prepare('UPDATE rent_leases SET auto_pay_enabled = ?, updated_at_ms = ? WHERE lease_id = ?').run(enabled ? 1 : 0, this.nowMs(), leaseId);
  }

  markEnded(leaseId: string): void {
    this.db.prepare('UPDATE rent_leases SET ended = 1, updated_at_ms = ? WHERE lease_id = ? AND ended = 0').run(this.nowMs(), leaseId);
  }

  /**
   * Records a signed transfer before it is sent. A row still 'signed' for the same
   * payment (a send that certainly never landed, see LeasePayer) is replaced.
   */
  recordSigned(
    p: Omit<RentPayment, 'state' | 'paidAtMs' | 'submittedAtMs' | 'autoApproved' | 'signedTransaction' | 'lastValidBlockHeight'> & {
      autoApproved?: boolean;
      signedTransaction?: string | null;
      lastValidBlockHeight?: bigint | null;
    },
  ): void {
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO rent_payments (lease_id, increment, payee, payer, amount_base_units, token, mint, reference, network, state, signature, auto_approved, signed_at_ms, signed_transaction, last_valid_block_height)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'signed', ?, ?, ?, ?, ?)
           ON CONFLICT(lease_id, increment, payee) DO UPDATE SET
             signature = excluded.signature, reference = excluded.reference, auto_approved = excluded.auto_approved, signed_at_ms = excluded.signed_at_ms,
             signed_transaction = excluded.signed_transaction, last_valid_block_height = excluded.last_valid_block_height
           WHERE rent_payments.state = 'signed'`,
        )
        .run(
          p.leaseId,
          p.increment,
          p.payee,
          p.payer,
          p.amount.toString(),
          p.token,
          p.mint,
          p.reference,
          p.network,
          p.signature,
          p.autoApproved ? 1 : 0,
          p.signedAtMs,
          p.signedTransaction ?? null,
          p.lastValidBlockHeight === undefined || p.lastValidBlockHeight === null ? null : p.lastValidBlockHeight.toString(),
        );
    })();
  }

  /** On chain. `autoApproved` null keeps what was recorded at signing (a payment found again after a restart). */
  markSent(signature: string, autoApproved: boolean | null, paidAtMs: number): void {
    this.db
      .prepare(`UPDATE rent_payments SET state = 'sent', auto_approved = COALESCE(?, auto_approved), paid_at_ms = ? WHERE signature = ? AND state = 'signed'`)
      .run(autoApproved === null ? null : autoApproved ? 1 : 0, paidAtMs, signature);
  }

  /**
   * What each lease's auto-pay budget holds by the record: the auto-approved transfers
   * that may have left (signed, sent or credited; one that certainly never left is deleted).
   */
  autoApprovedSpent(): Map<string, bigint> {
    const totals = new Map<string, bigint>();
    const rows = this.db.prepare<[], { lease_id: string; amount_base_units: string }>('SELECT lease_id, amount_base_units FROM rent_payments WHERE auto_approved = 1').all();
    for (const row of rows) totals.set(row.lease_id, (totals.get(row.lease_id) ?? 0n) + BigInt(row.amount_base_units));
    return totals;
  }

  markSubmitted(signature: string): void {
    this.db
      .prepare(`UPDATE rent_payments SET state = 'submitted', submitted_at_ms = ?, paid_at_ms = COALESCE(paid_at_ms, ?) WHERE signature = ? AND state <> 'submitted'`)
      .run(this.nowMs(), this.nowMs(), signature);
  }

  /** Forgets a signed transfer that never reached the chain, so the payment can be made again. */
  forgetUnsent(signature: string): void {
    this.db.prepare(`DELETE FROM rent_payments WHERE signature = ? AND state = 'signed'`).run(signature);
  }

  payment(leaseId: string, increment: number, payee: string): RentPayment | null {
    const row = this.db
      .prepare<[string, number, string], PaymentRow>('SELECT * FROM rent_payments WHERE lease_id = ? AND increment = ? AND payee = ?')
      .get(leaseId, increment, payee);
    return row ? paymentOf(row) : null;
  }

  /** Payments that may have left but the hub has not credited yet. */
  unsubmitted(payer: string): RentPayment[] {
    return this.db
      .prepare<[string], PaymentRow>(`SELECT * FROM rent_payments WHERE payer = ? AND state <> 'submitted' ORDER BY signed_at_ms`)
      .all(payer)
      .map(paymentOf);
  }

  /** Spending: the transfers of this wallet that reached the chain, newest first. */
  /** A refund the hub checked on chain; true when new (a refund is recorded once, by its signature). */
  recordRefund(r: { signature: string; leaseId: string; increment: number; payee: string; renter: string; amount: bigint; token: string; network: string; receivedAtMs: number }): boolean {
    const run = this.db.transaction(() =>
      this.db
        .prepare(
          `INSERT INTO rent_refunds (signature, lease_id, increment, payee, renter, amount_base_units, token, network, received_at_ms)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
        )
        .run(r.signature, r.leaseId, r.increment, r.payee, r.renter, r.amount.toString(), r.token, r.network, r.receivedAtMs),
    );
    return run().changes === 1;
  }

  /** Payments sent and refunds received (negative amounts), newest first. */
  receipts(payer: string, limit: number): RentReceipt[] {
    const refunds = this.db
      .prepare<[string, number], { signature: string; lease_id: string; increment: number; payee: string; amount_base_units: string; token: string; network: string; received_at_ms: number }>(
        'SELECT * FROM rent_refunds WHERE renter = ? ORDER BY received_at_ms DESC LIMIT ?',
      )
      .all(payer, limit)
      .map((row): RentReceipt => ({
        signature: row.signature,
        leaseId: row.lease_id,
        increment: row.increment,
        payee: row.payee,
        amount: `-${row.amount_base_units}`,
        token: row.token,
        paidAtMs: row.received_at_ms,
        network: row.network,
        autoApproved: false,
        refund: true,
      }));
    return [...refunds, ...this.payments(payer, limit)].sort((a, b) => b.paidAtMs - a.paidAtMs).slice(0, limit);
  }

  private payments(payer: string, limit: number): RentReceipt[] {
    return this.db
      .prepare<[string, number], PaymentRow>(
        `SELECT * FROM rent_payments WHERE payer = ? AND state IN ('sent', 'submitted')
         ORDER BY COALESCE(paid_at_ms, signed_at_ms) DESC, increment DESC, payee LIMIT ?`,
      )
      .all(payer, limit)
      .map((row) => ({
        signature: row.signature,
        leaseId: row.lease_id,
        increment: row.increment,
        payee: row.payee,
        amount: row.amount_base_units,
        token: row.token,
        paidAtMs: row.paid_at_ms ?? row.signed_at_ms,
        network: row.network,
        autoApproved: row.auto_approved === 1,
      }));
  }
}

function leaseOf(row: LeaseRow): RentLeaseRecord {
  return { leaseId: row.lease_id, renter: row.renter, hubUrl: row.hub_url, autoPayEnabled: row.auto_pay_enabled === 1, ended: row.ended === 1 };
}

function paymentOf(row: PaymentRow): RentPayment {
  return {
    leaseId: row.lease_id,
    increment: row.increment,
    payee: row.payee,
    payer: row.payer,
    amount: BigInt(row.amount_base_units),
    token: row.token,
    mint: row.mint,
    reference: row.reference,
    network: row.network,
    state: row.state,
    signature: row.signature,
    autoApproved: row.auto_approved === 1,
    signedAtMs: row.signed_at_ms,
    paidAtMs: row.paid_at_ms,
    submittedAtMs: row.submitted_at_ms,
    signedTransaction: row.signed_transaction ?? null,
    lastValidBlockHeight: row.last_valid_block_height ? BigInt(row.last_valid_block_height) : null,
  };
}
