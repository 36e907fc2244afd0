import type { Migration } from '../../../sqlite/migration';

/**
 * Payments: one row per expected transfer (lease, increment, payee) made at quote or
 * extension time, filled in with its transaction signature when verified. The UNIQUE
 * signature is what makes "a signature is credited once, ever" hold across restarts and,
 * later, across hub instances sharing one database. Amounts are decimal strings of base
 * units (never floats); the running all-time volume lives in one row updated in the same
 * transaction as the credit.
 */
export const paymentsMigration: Migration = {
  version: 4,
  name: 'payments',
  up(db) {
    db.exec(`
      CREATE TABLE lease_payments (
        lease_id TEXT NOT NULL REFERENCES leases(lease_id),
        increment INTEGER NOT NULL,
        payee TEXT NOT NULL,
        amount TEXT NOT NULL CHECK (amount GLOB '[0-9]*' AND amount NOT GLOB '*[^0-9]*'),
        reference TEXT NOT NULL UNIQUE,
        memo TEXT NOT NULL,
        signature TEXT UNIQUE,
        paid_at_ms INTEGER,
        on_time INTEGER,
        PRIMARY KEY (lease_id, increment, payee),
        CHECK ((signature IS NULL) = (paid_at_ms IS NULL))
      ) STRICT;
      CREATE INDEX lease_payments_recent ON lease_payments(paid_at_ms) WHERE signature IS NOT NULL;

      CREATE TABLE hub_totals (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        volume_paid TEXT NOT NULL
      ) STRICT;
      INSERT INTO hub_totals (id, volume_paid) VALUES (1, '0');

      CREATE TABLE renter_facts (
        address TEXT PRIMARY KEY NOT NULL,
        increments_on_time INTEGER NOT NULL DEFAULT 0,
        increments_late INTEGER NOT NULL DEFAULT 0,
        increments_missed INTEGER NOT NULL DEFAULT 0
      ) STRICT;
    `);
  },
};
