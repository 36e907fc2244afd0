import Database from 'better-sqlite3';
import { closeSync, openSync } from 'node:fs';
import { migrate } from './migration';
import type { Migration } from './migration';

/**
 * How durable a database's commits are:
 * - `money`: `synchronous=FULL`, so a committed row (a payment, a credit, a lease) is on
 *   disk before the call returns, even if the machine loses power right after;
 * - `samples`: `synchronous=NORMAL`, for data that a crash may lose the last second of
 *   (telemetry, caches) and that is written too often to wait for an fsync each time.
 */
export type Durability = 'money' | 'samples';

export interface OpenDatabaseOptions {
  durability: Durability;
  /** Numbered migrations applied on open (see migration.ts). */
  migrations: readonly Migration[];
}

/** Every SQLite file of the app and the hub opens this way: WAL, a busy timeout, then migrations. */
export function openDatabase(filePath: string, options: OpenDatabaseOptions): Database.Database {
  createPrivately(filePath);
  const db = new Database(filePath);
  try {
    // WAL lets readers (the UI, reports) run while a writer commits.
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${options.durability === 'money' ? 'FULL' : 'NORMAL'}`);
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    migrate(db, options.migrations);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/**
 * Creates the database file readable by its owner only (0600) before SQLite opens it:
 * SQLite creates a new file 0644, and gives its -wal and -shm files the database file's
 * own mode, so this one mode keeps all three private. An existing file keeps its mode
 * (the app checks its data dir at start). `:memory:` and temp databases are left alone.
 */
function createPrivately(filePath: string): void {
  if (filePath === ':memory:' || filePath === '') return;
  closeSync(openSync(filePath, 'a', 0o600));
}
