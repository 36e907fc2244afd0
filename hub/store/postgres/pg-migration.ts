import type pg from 'pg';

/**
 * A numbered schema change of the hub's PostgreSQL database. Like hub.db's migrations
 * (sqlite/migration.ts) each runs once, in its own transaction, and never changes after
 * it has shipped. The versions applied are rows of `schema_migrations`.
 */
export interface PgMigration {
  version: number;
  name: string;
  sql: string;
}

/** Any fixed number: every hub instance takes this lock while it migrates, so two starting at once apply each migration once. */
const MIGRATION_LOCK = 0x1d1e_0016;

export async function pgSchemaVersion(client: pg.ClientBase): Promise<number> {
  const table = await client.query<{ exists: boolean }>("SELECT to_regclass('schema_migrations') IS NOT NULL AS exists");
  if (!table.rows[0]?.exists) return 0;
  const row = await client.query<{ version: number | null }>('SELECT max(version)::int AS version FROM schema_migrations');
  return row.rows[0]?.version ?? 0;
}

/** Applies the migrations above the database's version, in order, up to `upTo`; returns the new version. */
export async function migratePg(client: pg.ClientBase, migrations: readonly PgMigration[], upTo = Infinity): Promise<number> {
  const sorted = [...migrations].sort((a, b) => a.version - b.version);
  sorted.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`Migrations must be numbered 1, 2, 3…; found ${m.version} (${m.name}) at position ${i + 1}`);
  });
  for (const m of sorted) {
    if (m.version > upTo) break;
    await client.query('BEGIN');
    try {
      await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
      await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())');
      const current = await pgSchemaVersion(client);
      if (current > sorted.length) {
        throw new Error(
          `This database was written by a newer Idlegrid hub (schema ${current}, this version knows ${sorted.length}). Update the hub, or point it at another database.`,
        );
      }
      if (m.version > current) {
        await client.query(m.sql);
        await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
      }
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    }
  }
  return pgSchemaVersion(client);
}
