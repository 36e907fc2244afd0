import type { Migration } from '../../../sqlite/migration';

const DIGITS = (column: string) => `CHECK (${column} <> '' AND ${column} NOT GLOB '*[^0-9]*')`;

/**
 * Refunds a supplier owes and pays: when this machine ends a paid period early (the owner
 * stops sharing, a thermal pause past its grace, the machine going away, a payment that
 * arrived after the lease ended here), the unused part of that increment goes back to the
 * renter. A row is written `owed` BEFORE anything is signed, gets its signature (and the
 * block height its blockhash expires after) when signed, and is `confirmed` once the chain
 * says so; a restart pays what is `owed` and looks up what was `sent`. One refund per
 * (lease, increment): the primary key. Shown as negative rows beside the earnings.
 */
export const supplierRefundsMigration: Migration = {
  version: 8,
  name: 'supplier-refunds',
  up(db) {
    db.exec(`
      CREATE TABLE supplier_refunds (
        lease_id TEXT NOT NULL,
        increment INTEGER NOT NULL CHECK (increment >= 0),
        renter TEXT NOT NULL,
        payer TEXT NOT NULL,
        payment_signature TEXT NOT NULL,
        amount_base_units TEXT NOT NULL ${DIGITS('amount_base_units')},
        mint TEXT NOT NULL,
        memo TEXT NOT NULL,
        network TEXT NOT NULL,
        reason TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('owed', 'sent', 'confirmed')),
        signature TEXT UNIQUE,
        last_valid_block_height TEXT,
        message TEXT,
        owed_at_ms INTEGER NOT NULL,
        sent_at_ms INTEGER,
        confirmed_at_ms INTEGER,
        PRIMARY KEY (lease_id, increment)
      ) STRICT;
      CREATE INDEX supplier_refunds_by_state ON supplier_refunds (state, owed_at_ms);
    `);
  },
};
