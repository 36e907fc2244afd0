import type { PgMigration } from '../pg-migration';

/**
 * Expected payments, filled in with their signature when verified. The UNIQUE signature is
 * what makes "credited once, ever" hold across every hub instance on this database. Amounts
 * are whole numerics of base units (any size, never floats); the all-time volume is one row
 * updated in the credit's transaction.
 */
export const pgPaymentsMigration: PgMigration = {
  version: 4,
  name: 'payments',
  sql: `
    CREATE TABLE lease_payments (
      lease_id text NOT NULL REFERENCES leases (lease_id),
      increment integer NOT NULL,
      payee text NOT NULL,
      amount numeric NOT NULL CHECK (amount >= 0 AND scale(amount) = 0),
      reference text NOT NULL UNIQUE,
      memo text NOT NULL,
      signature text UNIQUE,
      paid_at_ms bigint,
      on_time boolean,
      PRIMARY KEY (lease_id, increment, payee),
      CHECK ((signature IS NULL) = (paid_at_ms IS NULL))
    );
    CREATE INDEX lease_payments_recent ON lease_payments (paid_at_ms) WHERE signature IS NOT NULL;

    CREATE TABLE hub_totals (
      id integer PRIMARY KEY CHECK (id = 1),
      volume_paid numeric NOT NULL CHECK (volume_paid >= 0 AND scale(volume_paid) = 0)
    );
    INSERT INTO hub_totals (id, volume_paid) VALUES (1, 0);

    CREATE TABLE renter_facts (
      address text PRIMARY KEY,
      increments_on_time integer NOT NULL DEFAULT 0,
      increments_late integer NOT NULL DEFAULT 0,
      increments_missed integer NOT NULL DEFAULT 0
    );
  `,
};
