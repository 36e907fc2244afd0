import type { PgMigration } from '../pg-migration';

/**
 * As hub.db's migration 009 (issue 13): attestation outcomes and missed refunds in the
 * worker's facts, and each lease's evidence, appended in order and never changed.
 */
export const pgTrustMigration: PgMigration = {
  version: 8,
  name: 'trust',
  sql: `
    ALTER TABLE worker_facts ADD COLUMN attestations_passed integer NOT NULL DEFAULT 0 CHECK (attestations_passed >= 0);
    ALTER TABLE worker_facts ADD COLUMN attestations_failed integer NOT NULL DEFAULT 0 CHECK (attestations_failed >= 0);
    ALTER TABLE worker_facts ADD COLUMN refunds_missed integer NOT NULL DEFAULT 0 CHECK (refunds_missed >= 0);
    CREATE TABLE lease_evidence (
      lease_id text NOT NULL REFERENCES leases(lease_id),
      seq integer NOT NULL,
      kind text NOT NULL CHECK (kind <> ''),
      worker_id text,
      at_ms bigint NOT NULL,
      body_json text NOT NULL,
      PRIMARY KEY (lease_id, seq)
    );
  `,
};
