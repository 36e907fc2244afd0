import type { Migration } from '../../../sqlite/migration';

/**
 * The explorer's own series (issue 16): one row per point, keyed by its resolution (the
 * fine sample interval, or the coarse roll-up bucket) and time. Volume is a decimal string
 * of base units (any size); groups (GPUs by model and region) are JSON.
 */
export const explorerSeriesMigration: Migration = {
  version: 10,
  name: 'explorer-series',
  up(db) {
    db.exec(`
    CREATE TABLE explorer_series (
      resolution_ms INTEGER NOT NULL CHECK (resolution_ms > 0),
      at_ms INTEGER NOT NULL,
      workers_online INTEGER NOT NULL CHECK (workers_online >= 0),
      gpus_online INTEGER NOT NULL CHECK (gpus_online >= 0),
      gpus_leased INTEGER NOT NULL CHECK (gpus_leased >= 0),
      utilisation REAL NOT NULL CHECK (utilisation >= 0 AND utilisation <= 1),
      leases_running INTEGER NOT NULL CHECK (leases_running >= 0),
      leases_active INTEGER NOT NULL CHECK (leases_active >= 0),
      volume_paid TEXT NOT NULL CHECK (volume_paid GLOB '[0-9]*' AND volume_paid NOT GLOB '*[^0-9]*'),
      groups_json TEXT NOT NULL,
      PRIMARY KEY (resolution_ms, at_ms)
    ) WITHOUT ROWID;
    `);
  },
};
