import type { Migration } from '../../../sqlite/migration';

/**
 * One row per GPU an active lease holds, keyed by (worker, GPU): a GPU is placed in at most
 * one lease that has not ended, whatever placed it (PostgreSQL's migration 005 is the same
 * table, where the key is what keeps several hub instances exact). Rows go in the
 * transition that ends the lease. Active leases of an existing hub.db get theirs here.
 */
export const gpuHoldsMigration: Migration = {
  version: 6,
  name: 'gpu holds',
  up(db) {
    db.exec(`
      CREATE TABLE gpu_holds (
        worker_id TEXT NOT NULL,
        gpu_uuid TEXT NOT NULL,
        lease_id TEXT NOT NULL REFERENCES leases(lease_id),
        PRIMARY KEY (worker_id, gpu_uuid)
      ) STRICT;
      CREATE INDEX gpu_holds_by_lease ON gpu_holds(lease_id);
      INSERT OR IGNORE INTO gpu_holds (worker_id, gpu_uuid, lease_id)
        SELECT json_extract(node.value, '$.workerId'), uuid.value, l.lease_id
        FROM leases l, json_each(l.placement_json, '$.nodes') AS node, json_each(node.value, '$.gpuUuids') AS uuid
        WHERE l.state <> 'ended';
    `);
  },
};
