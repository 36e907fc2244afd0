import type { Migration } from '../../../sqlite/migration';

/**
 * GPU bindings: each GPU UUID belongs to the first (owner, machine) that registered it
 * (issue 14.3). A UUID is public to anyone who saw it once, so "which online machine has
 * it now" let a stranger register a supplier's GPUs while it was offline; a durable first
 * binding does not. It moves only on the owner's own session or a release signed by it.
 */
export const gpuBindingsMigration: Migration = {
  version: 7,
  name: 'gpu-bindings',
  up(db) {
    db.exec(`
      CREATE TABLE gpu_bindings (
        gpu_uuid TEXT PRIMARY KEY,
        owner TEXT NOT NULL,
        machine_id TEXT NOT NULL,
        bound_at_ms INTEGER NOT NULL
      ) STRICT;
      -- Existing hubs: every GPU a known worker reports is bound to it (the oldest wins).
      INSERT OR IGNORE INTO gpu_bindings (gpu_uuid, owner, machine_id, bound_at_ms)
        SELECT json_extract(g.value, '$.uuid'), w.owner, w.machine_id, w.first_seen_ms
        FROM workers w, json_each(w.hardware_json, '$.gpus') g
        WHERE json_extract(g.value, '$.uuid') IS NOT NULL
        ORDER BY w.first_seen_ms;
    `);
  },
};
