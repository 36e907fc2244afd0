import type { Migration } from '../../../sqlite/migration';

const DIGITS = (column: string) => `CHECK (${column} <> '' AND ${column} NOT GLOB '*[^0-9]*')`;

/**
 * The renter's records. `rent_leases`: every lease this app quoted or paid, on which hub
 * and for which wallet, with the per-lease auto-pay toggle (the budget itself is the
 * wallet's `auto_pay_budgets` row), so a restart follows the open ones again and resumes
 * auto-pay. `rent_payments`: one row per transfer to a supplier, written when the
 * transaction is signed and BEFORE it is sent ('signed'), then 'sent' once on chain and
 * 'submitted' once the hub credited it. A crash anywhere in between leaves the signature
 * here, so a retry submits it instead of paying again. Rows that left are the receipts of
 * the Spending view. Amounts are base units as decimal strings (a u64 does not fit
 * SQLite's INTEGER).
 */
export const rentMigration: Migration = {
  version: 5,
  name: 'rent',
  up(db) {
    db.exec(`
      CREATE TABLE rent_leases (
        lease_id TEXT PRIMARY KEY NOT NULL,
        renter TEXT NOT NULL,
        hub_url TEXT NOT NULL,
        auto_pay_enabled INTEGER NOT NULL DEFAULT 0 CHECK (auto_pay_enabled IN (0, 1)),
        ended INTEGER NOT NULL DEFAULT 0 CHECK (ended IN (0, 1)),
        created_at_ms INTEGER NOT NULL,
        updated_at_ms INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX rent_leases_open ON rent_leases (renter, ended);

      CREATE TABLE rent_payments (
        lease_id TEXT NOT NULL,
        increment INTEGER NOT NULL CHECK (increment >= 0),
        payee TEXT NOT NULL,
        payer TEXT NOT NULL,
        amount_base_units TEXT NOT NULL ${DIGITS('amount_base_units')},
        mint TEXT NOT NULL,
        reference TEXT NOT NULL,
        network TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('signed', 'sent', 'submitted')),
        signature TEXT NOT NULL UNIQUE,
        auto_approved INTEGER NOT NULL DEFAULT 0 CHECK (auto_approved IN (0, 1)),
        signed_at_ms INTEGER NOT NULL,
        paid_at_ms INTEGER,
        submitted_at_ms INTEGER,
        PRIMARY KEY (lease_id, increment, payee)
      ) STRICT;
      CREATE INDEX rent_payments_by_payer_time ON rent_payments (payer, signed_at_ms DESC);
    `);
  },
};
