import type { PgMigration } from '../pg-migration';

/** Leases, their nodes by rank and every transition; request and placement stored whole (they never change after the quote). */
export const pgLeasesMigration: PgMigration = {
  version: 3,
  name: 'leases',
  sql: `
    CREATE TABLE leases (
      lease_id text PRIMARY KEY,
      renter text NOT NULL,
      state text NOT NULL CHECK (state IN ('reserved', 'paid', 'starting', 'running', 'ended')),
      end_reason text CHECK (end_reason IN ('completed', 'terminated', 'unpaid', 'supplier-lost', 'failed')),
      created_at_ms bigint NOT NULL,
      expires_at_ms bigint NOT NULL,
      started_at_ms bigint,
      ended_at_ms bigint,
      increment_ms bigint NOT NULL CHECK (increment_ms > 0),
      increment_count integer NOT NULL CHECK (increment_count > 0),
      grace_ms bigint NOT NULL,
      mint text NOT NULL,
      request_json text NOT NULL,
      placement_json text NOT NULL,
      CHECK ((state = 'ended') = (end_reason IS NOT NULL))
    );
    CREATE INDEX leases_active ON leases (state) WHERE state <> 'ended';
    CREATE INDEX leases_by_renter ON leases (renter, created_at_ms);

    CREATE TABLE lease_nodes (
      lease_id text NOT NULL REFERENCES leases (lease_id),
      rank integer NOT NULL,
      worker_id text NOT NULL,
      state text NOT NULL CHECK (state IN ('assigned', 'pulling', 'running', 'exited', 'failed', 'stopped')),
      message text,
      updated_at_ms bigint NOT NULL,
      PRIMARY KEY (lease_id, rank)
    );
    CREATE INDEX lease_nodes_by_worker ON lease_nodes (worker_id);

    CREATE TABLE lease_transitions (
      lease_id text NOT NULL REFERENCES leases (lease_id),
      seq integer NOT NULL,
      from_state text,
      to_state text NOT NULL,
      end_reason text,
      at_ms bigint NOT NULL,
      reason text NOT NULL,
      PRIMARY KEY (lease_id, seq)
    );
  `,
};
