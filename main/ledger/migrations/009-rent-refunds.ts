import type { Migration } from '../../../sqlite/migration';

/**
 * Refunds a renter received: a supplier gave back unused paid time (issue 13), the hub
 * checked the transfer on chain and told the renter's app. One row per refund signature,
 * shown in Spending as a negative receipt next to the payment it partly returns.
 */
export const rentRefundsMigration: Migration = {
  version: 9,
  name: 'rent-refunds',
  up(db) {
    db.exec(`
      CREATE TABLE rent_refunds (
        signature TEXT PRIMARY KEY NOT NULL,
        lease_id TEXT NOT NULL,
        increment INTEGER NOT NULL CHECK (increment >= 0),
        payee TEXT NOT NULL,
        renter TEXT NOT NULL,
        amount_base_units TEXT NOT NULL CHECK (amount_base_units <> '' AND amount_base_units NOT GLOB '*[^0-9]*'),
        token TEXT NOT NULL CHECK (token <> ''),
        network TEXT NOT NULL,
        received_at_ms INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX rent_refunds_by_renter ON rent_refunds (renter, received_at_ms DESC);
    `);
  },
};
