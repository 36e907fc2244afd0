import type { Migration } from '../../../sqlite/migration';

const DIGITS = (column: string) => `CHECK (${column} <> '' AND ${column} NOT GLOB '*[^0-9]*')`;

/**
 * The supplier's records. `supplier_machine`: the machine id this app says hello with,
 * chosen once so the hub resumes the same worker after a restart. `supplier_leases`: every
 * lease the hub placed here, with the lease as the hub last sent it, the local job that
 * runs it and the paid-through time of the payments THIS machine verified on chain (the
 * worker's LeaseValidity reads it after a crash). `earnings`: one row per verified
 * payment, keyed by its signature (so nothing is counted twice, whatever path writes it),
 * with the GPU-seconds delivered and the measured energy, and the last reconcile outcome.
 * Amounts are base units as decimal strings (a u64 does not fit SQLite's INTEGER).
 */
export const supplierMigration: Migration = {
  version: 4,
  name: 'supplier',
  up(db) {
    db.exec(`
      CREATE TABLE supplier_machine (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        machine_id TEXT NOT NULL,
        created_at_ms INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE supplier_leases (
        lease_id TEXT PRIMARY KEY NOT NULL,
        renter TEXT NOT NULL,
        rank INTEGER NOT NULL CHECK (rank >= 0),
        world_size INTEGER NOT NULL CHECK (world_size >= 1),
        gpu_uuids_json TEXT NOT NULL,
        image TEXT NOT NULL,
        lease_json TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('assigned', 'verifying', 'pulling', 'running', 'paused-hot', 'ended')),
        job_id TEXT,
        paid_through_ms INTEGER,
        grace_ms INTEGER NOT NULL,
        started_at_ms INTEGER,
        ended_at_ms INTEGER,
        message TEXT,
        created_at_ms INTEGER NOT NULL,
        updated_at_ms INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX supplier_leases_by_state ON supplier_leases (state, updated_at_ms DESC);

      CREATE TABLE earnings (
        signature TEXT PRIMARY KEY NOT NULL,
        lease_id TEXT NOT NULL,
        increment INTEGER NOT NULL CHECK (increment >= 0),
        renter TEXT NOT NULL,
        amount_base_units TEXT NOT NULL ${DIGITS('amount_base_units')},
        recipient TEXT NOT NULL,
        mint TEXT NOT NULL,
        reference TEXT NOT NULL,
        memo TEXT NOT NULL,
        network TEXT NOT NULL,
        gpu_count INTEGER NOT NULL CHECK (gpu_count >= 0),
        gpu_seconds REAL NOT NULL DEFAULT 0 CHECK (gpu_seconds >= 0),
        energy_wh REAL NOT NULL DEFAULT 0 CHECK (energy_wh >= 0),
        -- The owner's price when the payment came, so a later change does not rewrite history.
        electricity_price_per_kwh TEXT NOT NULL ${DIGITS('electricity_price_per_kwh')},
        paid_at_ms INTEGER NOT NULL,
        reconcile TEXT NOT NULL DEFAULT 'unchecked' CHECK (reconcile IN ('unchecked', 'ok', 'mismatch')),
        reconcile_message TEXT,
        reconciled_at_ms INTEGER,
        UNIQUE (lease_id, increment)
      ) STRICT;
      CREATE INDEX earnings_by_time ON earnings (paid_at_ms DESC);
    `);
  },
};
