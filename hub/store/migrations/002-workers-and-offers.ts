import type { Migration } from '../../../sqlite/migration';

/**
 * Workers (one per machine and owner: the same machine id resumes the same worker id),
 * their offers, and the observed facts that reputation is computed from.
 */
export const workersAndOffersMigration: Migration = {
  version: 2,
  name: 'workers and offers',
  up(db) {
    db.exec(`
      CREATE TABLE workers (
        worker_id TEXT PRIMARY KEY NOT NULL,
        owner TEXT NOT NULL,
        machine_id TEXT NOT NULL,
        hardware_json TEXT NOT NULL,
        region TEXT NOT NULL,
        advertised_host TEXT,
        first_seen_ms INTEGER NOT NULL,
        last_seen_ms INTEGER NOT NULL,
        online_ms INTEGER NOT NULL DEFAULT 0,
        UNIQUE (owner, machine_id)
      ) STRICT;

      CREATE TABLE offers (
        offer_id TEXT PRIMARY KEY NOT NULL,
        worker_id TEXT NOT NULL REFERENCES workers(worker_id),
        gpu_model TEXT NOT NULL,
        vram_mib INTEGER NOT NULL,
        terms_json TEXT NOT NULL,
        created_at_ms INTEGER NOT NULL,
        updated_at_ms INTEGER NOT NULL,
        withdrawn_at_ms INTEGER
      ) STRICT;
      CREATE INDEX offers_by_worker ON offers(worker_id) WHERE withdrawn_at_ms IS NULL;

      CREATE TABLE worker_facts (
        worker_id TEXT PRIMARY KEY NOT NULL REFERENCES workers(worker_id),
        leases_completed INTEGER NOT NULL DEFAULT 0,
        leases_ended_by_supplier INTEGER NOT NULL DEFAULT 0,
        hardware_checks_passed INTEGER NOT NULL DEFAULT 0,
        hardware_checks_total INTEGER NOT NULL DEFAULT 0
      ) STRICT;
    `);
  },
};
