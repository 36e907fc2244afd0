import type { Migration } from '../../../sqlite/migration';

/**
 * The worker's jobs: one row per job with its current state, and every state change
 * with its time and exit code in `job_transitions` (the record a dispute or a refund
 * is settled from). `worker_identity` holds this install's worker id, which labels its
 * Docker resources so a restart finds exactly its own containers again.
 */
export const jobsMigration: Migration = {
  version: 2,
  name: 'jobs',
  up(db) {
    db.exec(`
      CREATE TABLE jobs (
        id TEXT PRIMARY KEY NOT NULL,
        lease_id TEXT NOT NULL,
        image TEXT NOT NULL,
        spec_json TEXT NOT NULL,
        is_test INTEGER NOT NULL DEFAULT 0 CHECK (is_test IN (0, 1)),
        state TEXT NOT NULL CHECK (state IN (
          'queued', 'pulling', 'creating', 'running', 'paused', 'stopping',
          'succeeded', 'failed', 'stopped', 'interrupted'
        )),
        end_reason TEXT,
        exit_code INTEGER,
        message TEXT,
        container_id TEXT,
        ports_json TEXT NOT NULL DEFAULT '[]',
        created_at_ms INTEGER NOT NULL,
        started_at_ms INTEGER,
        ended_at_ms INTEGER,
        deadline_at_ms INTEGER NOT NULL,
        updated_at_ms INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX jobs_by_lease ON jobs (lease_id);
      CREATE INDEX jobs_by_created ON jobs (created_at_ms DESC);
      CREATE INDEX jobs_active ON jobs (state)
        WHERE state NOT IN ('succeeded', 'failed', 'stopped', 'interrupted');

      CREATE TABLE job_transitions (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        job_id TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
        at_ms INTEGER NOT NULL,
        state TEXT NOT NULL,
        exit_code INTEGER,
        reason TEXT,
        message TEXT
      ) STRICT;
      CREATE INDEX job_transitions_by_job ON job_transitions (job_id, seq);

      CREATE TABLE worker_identity (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        worker_id TEXT NOT NULL,
        created_at_ms INTEGER NOT NULL
      ) STRICT;
    `);
  },
};
