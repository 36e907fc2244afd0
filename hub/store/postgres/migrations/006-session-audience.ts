import type { PgMigration } from '../pg-migration';

/**
 * Sessions carry an audience (renter or worker), as hub.db's migration 005: older sessions
 * had none and are dropped (each app signs in again), rather than guessing rights for them.
 */
export const pgSessionAudienceMigration: PgMigration = {
  version: 6,
  name: 'session audience',
  sql: `
    DELETE FROM sessions;
    ALTER TABLE sessions ADD COLUMN audience text NOT NULL DEFAULT 'renter' CHECK (audience IN ('renter', 'worker'));
  `,
};
