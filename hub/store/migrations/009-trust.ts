import type { Migration } from '../../../sqlite/migration';

/**
 * Trust between strangers (issue 13). `worker_facts` gains the outcomes that decide a new
 * identity's exposure: attestations passed and failed (recorded by the hub from the
 * renter's verifier) and refunds owed but not paid by their deadline. `lease_evidence`
 * keeps what happened in each lease, in order, for disputes: attestations, node reports,
 * payments, refunds, refunds missed, dispute outcomes — one JSON body per entry, written
 * once and never changed.
 */
export const trustMigration: Migration = {
  version: 9,
  name: 'trust',
  up(db) {
    db.exec(`
      ALTER TABLE worker_facts ADD COLUMN attestations_passed INTEGER NOT NULL DEFAULT 0 CHECK (attestations_passed >= 0);
      ALTER TABLE worker_facts ADD COLUMN attestations_failed INTEGER NOT NULL DEFAULT 0 CHECK (attestations_failed >= 0);
      ALTER TABLE worker_facts ADD COLUMN refunds_missed INTEGER NOT NULL DEFAULT 0 CHECK (refunds_missed >= 0);

      CREATE TABLE lease_evidence (
        lease_id TEXT NOT NULL REFERENCES leases(lease_id),
        seq INTEGER NOT NULL,
        kind TEXT NOT NULL CHECK (kind <> ''),
        worker_id TEXT,
        at_ms INTEGER NOT NULL,
        body_json TEXT NOT NULL,
        PRIMARY KEY (lease_id, seq)
      ) STRICT;
    `);
  },
};
