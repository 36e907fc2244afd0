import type { Migration } from '../../../sqlite/migration';

const DIGITS = (column: string) => `CHECK (${column} <> '' AND ${column} NOT GLOB '*[^0-9]*')`;

/**
 * The wallet's records. `credited_payments`: every payment a verifier accepted, keyed by
 * its transaction signature, so a signature is credited once, ever (the primary key is
 * the guarantee; ledger.db's synchronous=FULL makes it durable before the job starts).
 * `auto_pay_budgets`: per-lease budgets a renter allowed to be paid without asking, and
 * how much of each is spent, so a restart cannot reset the count. `wallet_activity`:
 * what this app signed and why, to label the wallet's recent transactions.
 * Amounts are base units as decimal strings (a u64 does not fit SQLite's INTEGER).
 */
export const walletMigration: Migration = {
  version: 3,
  name: 'wallet',
  up(db) {
    db.exec(`
      CREATE TABLE credited_payments (
        signature TEXT PRIMARY KEY NOT NULL,
        network TEXT NOT NULL,
        lease_id TEXT NOT NULL,
        increment INTEGER NOT NULL CHECK (increment >= 0),
        recipient TEXT NOT NULL,
        mint TEXT NOT NULL,
        amount_base_units TEXT NOT NULL ${DIGITS('amount_base_units')},
        slot INTEGER NOT NULL,
        block_time_ms INTEGER,
        credited_at_ms INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX credited_payments_by_lease ON credited_payments (lease_id, increment);

      CREATE TABLE auto_pay_budgets (
        lease_id TEXT PRIMARY KEY NOT NULL,
        limit_base_units TEXT NOT NULL ${DIGITS('limit_base_units')},
        spent_base_units TEXT NOT NULL ${DIGITS('spent_base_units')},
        created_at_ms INTEGER NOT NULL,
        updated_at_ms INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE wallet_activity (
        signature TEXT PRIMARY KEY NOT NULL,
        network TEXT NOT NULL,
        wallet_address TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('send', 'faucet', 'payment', 'signed')),
        purpose TEXT NOT NULL,
        created_at_ms INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX wallet_activity_by_wallet ON wallet_activity (wallet_address, created_at_ms DESC);
    `);
  },
};
