import type { PgMigration } from '../pg-migration';

/**
 * One row per GPU an active lease holds, keyed by (worker, GPU). This key is what keeps
 * placement exact across hub instances: two instances that pick the same free GPU at once
 * both insert its row in their createLease transaction; the second insert waits on the
 * first's uncommitted index entry and then fails, so its whole lease is rolled back. Rows
 * go when the lease ends (in the ending transition). Existing active leases get theirs here.
 */
export const pgGpuHoldsMigration: PgMigration = {
  version: 5,
  name: 'gpu holds',
  sql: `
    CREATE TABLE gpu_holds (
      worker_id text NOT NULL,
      gpu_uuid text NOT NULL,
      lease_id text NOT NULL REFERENCES leases (lease_id),
      PRIMARY KEY (worker_id, gpu_uuid)
    );
    CREATE INDEX gpu_holds_by_lease ON gpu_holds (lease_id);
    INSERT INTO gpu_holds (worker_id, gpu_uuid, lease_id)
      SELECT node->>'workerId', uuid, l.lease_id
      FROM leases l,
        jsonb_array_elements(l.placement_json::jsonb->'nodes') AS node,
        jsonb_array_elements_text(node->'gpuUuids') AS uuid
      WHERE l.state <> 'ended'
      ON CONFLICT DO NOTHING;
  `,
};
