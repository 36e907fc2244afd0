import type { PgMigration } from '../pg-migration';

/** Session tokens from wallet sign-in, kept as SHA-256 hashes (as in hub.db). */
export const pgSessionsMigration: PgMigration = {
  version: 1,
  name: 'sessions',
  sql: `
    CREATE TABLE sessions (
      token_hash text PRIMARY KEY,
      address text NOT NULL,
      created_at_ms bigint NOT NULL,
      expires_at_ms bigint NOT NULL
    );
    CREATE INDEX sessions_by_expiry ON sessions (expires_at_ms);
  `,
};
