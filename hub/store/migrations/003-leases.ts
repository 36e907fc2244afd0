import type { Migration } from '../../../sqlite/migration';

/**
 * Leases, their nodes (one per machine, by rank) and every state transition with its
 * time and reason. The request and placement are stored whole as JSON: they never change
 * after the quote, and the hub rebuilds its live state from them after a restart.
 */
export const leasesMigration: Migration = {
  version: 3,
  name: 'leases',
  up(db) {
    db.exec(`
      CREATE TABLE leases (
        lease_id TEXT PRIMARY KEY NOT NULL,
        renter TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('reserved', 'paid', 'starting', 'running', 'ended')),
        end_reason TEXT CHECK (end_reason IN ('completed', 'terminated', 'unpaid', 'supplier-lost', 'failed')),
        created_at_ms INTEGER NOT NULL,
        expires_at_ms INTEGER NOT NULL,
        started_at_ms INTEGER,
        ended_at_ms INTEGER,
        increment_ms INTEGER NOT NULL CHECK (increment_ms > 0),
        increment_count INTEGER NOT NULL CHECK (increment_count > 0),
        grace_ms INTEGER NOT NULL,
        mint TEXT NOT NULL,
        request_json TEXT NOT NULL,
        placement_json TEXT NOT NULL,
        CHECK ((state = 'ended') = (end_reason IS NOT NULL))
      ) STRICT;
      CREATE INDEX leases_active ON leases(state) WHERE state <> 'ended';
      CREATE INDEX leases_by_renter ON leases(renter, created_at_ms);

      CREATE TABLE lease_nodes (
        lease_id TEXT NOT NULL REFERENCES leases(lease_id),
        rank INTEGER NOT NULL,
        worker_id TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('assigned', 'pulling', 'running', 'exited', 'failed', 'stopped')),
        message TEXT,
        updated_at_ms INTEGER NOT NULL,
        PRIMARY KEY (lease_id, rank)
      ) STRICT;
      CREATE INDEX lease_nodes_by_worker ON lease_nodes(worker_id);

      CREATE TABLE lease_transitions (
        lease_id TEXT NOT NULL REFERENCES leases(lease_id),
        seq INTEGER NOT NULL,
        from_state TEXT,
        to_state TEXT NOT NULL,
        end_reason TEXT,
        at_ms INTEGER NOT NULL,
        reason TEXT NOT NULL,
        PRIMARY KEY (lease_id, seq)
      ) STRICT;
    `);
  },
};
