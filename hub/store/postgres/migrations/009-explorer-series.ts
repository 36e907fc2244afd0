import type { PgMigration } from '../pg-migration';

/** As hub.db's migration 010 (issue 16): the explorer's own series, one row per (resolution, time). */
export const pgExplorerSeriesMigration: PgMigration = {
  version: 9,
  name: 'explorer-series',
  sql: `
    CREATE TABLE explorer_series (
      resolution_ms bigint NOT NULL CHECK (resolution_ms > 0),
      at_ms bigint NOT NULL,
      workers_online integer NOT NULL CHECK (workers_online >= 0),
      gpus_online integer NOT NULL CHECK (gpus_online >= 0),
      gpus_leased integer NOT NULL CHECK (gpus_leased >= 0),
      utilisation double precision NOT NULL CHECK (utilisation >= 0 AND utilisation <= 1),
      leases_running integer NOT NULL CHECK (leases_running >= 0),
      leases_active integer NOT NULL CHECK (leases_active >= 0),
      volume_paid numeric NOT NULL CHECK (volume_paid >= 0 AND volume_paid = trunc(volume_paid)),
      groups_json text NOT NULL,
      PRIMARY KEY (resolution_ms, at_ms)
    );
  `,
};
