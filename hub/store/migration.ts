import type Database from 'better-sqlite3';

/**
 * A numbered schema change of hub.db (the same pattern as the app's ledger.db: see
 * main/ledger/migration.ts). `version` is kept in SQLite's `user_version`; each migration
 * runs once, in its own transaction, and never changes after it has shipped.
 */
export interface Migration {
  version: number;
  name: string;
  up(db: Database.Database): void;
}

export function schemaVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/** Applies the migrations above the database's version, in order; returns the new version. */
export function migrate(db: Database.Database, migrations: readonly Migration[], upTo = Infinity): number {
  const sorted = [...migrations].sort((a, b) => a.version - b.version);
  sorted.forEach((m, i) => {
    if (m.version !== i + 1) {
      throw new Error(`Hub migrations must be numbered 1, 2, 3…; found ${m.version} (${m.name}) at position ${i + 1}`);
    }
  });
  const current = schemaVersion(db);
  if (current > sorted.length) {
    throw new Error(
      `This hub database was written by a newer hub (schema ${current}, this hub knows ${sorted.length}). ` +
        'Update Idlegrid, or start the hub with another --data-dir.',
    );
  }
  for (const m of sorted) {
    if (m.version <= current || m.version > upTo) continue;
    db.transaction(() => {
      m.up(db);
      db.pragma(`user_version = ${m.version}`);
    })();
  }
  return schemaVersion(db);
}
