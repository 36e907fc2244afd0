import type { PgMigration } from '../pg-migration';

/** Workers (one per owner and machine), their offers, and the facts reputation is computed from. */
export const pgWorkersAndOffersMigration: PgMigration = {
  version: 2,
  name: 'workers and offers',
  sql: `
    CREATE TABLE workers (
      worker_id text PRIMARY KEY,
      owner text NOT NULL,
      machine_id text NOT NULL,
      hardware_json text NOT NULL,
      region text NOT NULL,
      advertised_host text,
      first_seen_ms bigint NOT NULL,
      last_seen_ms bigint NOT NULL,
      online_ms bigint NOT NULL DEFAULT 0,
      UNIQUE (owner, machine_id)
    );

    CREATE TABLE offers (
      offer_id text PRIMARY KEY,
      worker_id text NOT NULL REFERENCES workers (worker_id),
      gpu_model text NOT NULL,
      vram_mib integer NOT NULL,
      terms_json text NOT NULL,
      created_at_ms bigint NOT NULL,
      updated_at_ms bigint NOT NULL,
      withdrawn_at_ms bigint
    );
    CREATE INDEX offers_by_worker ON offers (worker_id) WHERE withdrawn_at_ms IS NULL;

    CREATE TABLE worker_facts (
      worker_id text PRIMARY KEY REFERENCES workers (worker_id),
      leases_completed integer NOT NULL DEFAULT 0,
      leases_ended_by_supplier integer NOT NULL DEFAULT 0,
      hardware_checks_passed integer NOT NULL DEFAULT 0,
      hardware_checks_total integer NOT NULL DEFAULT 0
    );
  `,
};
