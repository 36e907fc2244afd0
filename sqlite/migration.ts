import type Database from 'better-sqlite3';

/**
 * A numbered schema change, for the app's ledger.db and the hub's hub.db alike.
 * `version` is stored in SQLite's `user_version`, so a
 * database knows exactly which migrations it has; each runs once, in its own
 * transaction, and never changes after it has shipped (add a new one instead).
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
      throw new Error(`Migrations must be numbered 1, 2, 3…; found ${m.version} (${m.name}) at position ${i + 1}`);
    }
  });
  const current = schemaVersion(db);
  if (current > sorted.length) {
    throw new Error(
      `${db.name} was written by a newer Idlegrid (schema ${current}, this version knows ${sorted.length}). ` +
        'Update Idlegrid, or point it at another data directory (--data-dir).',
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
