import type { Migration } from '../../../sqlite/migration';

/**
 * Sessions carry an audience (renter or worker), so a worker's session cannot list or
 * end its owner's leases. Sessions made before had none: they are dropped, and each app
 * signs in again on its next call (sessions are cheap to make, and guessing an audience
 * for an old token would hand it rights it was never meant to have).
 */
export const sessionAudienceMigration: Migration = {
  version: 5,
  name: 'session-audience',
  up(db) {
    db.exec(`
      DELETE FROM sessions;
      ALTER TABLE sessions ADD COLUMN audience TEXT NOT NULL DEFAULT 'renter' CHECK (audience IN ('renter', 'worker'));
    `);
  },
};
