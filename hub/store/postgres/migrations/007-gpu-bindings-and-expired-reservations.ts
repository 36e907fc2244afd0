import type { PgMigration } from '../pg-migration';

/**
 * As hub.db's migrations 007 and 008: each GPU UUID bound to the first (owner, machine)
 * that registered it (the primary key is what makes the first binding win between
 * instances), and expired reservations counted in the renter's facts.
 */
export const pgGpuBindingsAndExpiredReservationsMigration: PgMigration = {
  version: 7,
  name: 'gpu bindings and expired reservations',
  sql: `
    CREATE TABLE gpu_bindings (
      gpu_uuid text PRIMARY KEY,
      owner text NOT NULL,
      machine_id text NOT NULL,
      bound_at_ms bigint NOT NULL
    );
    INSERT INTO gpu_bindings (gpu_uuid, owner, machine_id, bound_at_ms)
      SELECT DISTINCT ON (g.value->>'uuid') g.value->>'uuid', w.owner, w.machine_id, w.first_seen_ms
      FROM workers w, jsonb_array_elements(w.hardware_json::jsonb -> 'gpus') AS g(value)
      WHERE g.value->>'uuid' IS NOT NULL
      ORDER BY g.value->>'uuid', w.first_seen_ms
    ON CONFLICT DO NOTHING;
    ALTER TABLE renter_facts ADD COLUMN reservations_expired integer NOT NULL DEFAULT 0;
  `,
};
