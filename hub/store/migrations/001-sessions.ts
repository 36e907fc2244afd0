import type { Migration } from '../../../sqlite/migration';

/** Session tokens from wallet sign-in, kept as SHA-256 hashes: a stolen db file holds no usable token. */
export const sessionsMigration: Migration = {
  version: 1,
  name: 'sessions',
  up(db) {
    db.exec(`
      CREATE TABLE sessions (
        token_hash TEXT PRIMARY KEY NOT NULL,
        address TEXT NOT NULL,
        created_at_ms INTEGER NOT NULL,
        expires_at_ms INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX sessions_by_expiry ON sessions(expires_at_ms);
    `);
  },
};
