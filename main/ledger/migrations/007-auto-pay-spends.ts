import type { Migration } from '../../../sqlite/migration';

/**
 * Every amount auto-pay reserved, with its time: the owner's daily cap on auto-paid
 * spending (issue 14.2) is the sum of these over the last 24 hours, across all leases.
 * A reservation given back (the payment never left) deletes its row.
 */
export const autoPaySpendsMigration: Migration = {
  version: 7,
  name: 'auto-pay-spends',
  up(db) {
    db.exec(`
      CREATE TABLE auto_pay_spends (
        id INTEGER PRIMARY KEY,
        lease_id TEXT NOT NULL,
        amount_base_units TEXT NOT NULL CHECK (amount_base_units GLOB '[0-9]*' AND amount_base_units NOT GLOB '*[^0-9]*'),
        at_ms INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX auto_pay_spends_at ON auto_pay_spends(at_ms);
    `);
  },
};
