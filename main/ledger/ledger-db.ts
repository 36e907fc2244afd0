import Database from 'better-sqlite3';
import { migrate } from './migration';
import { LEDGER_MIGRATIONS } from './migrations';

/**
 * ledger.db holds money and state that must survive a crash (earnings, spending, jobs,
 * settings): WAL for concurrent reads, and `synchronous=FULL` so a committed money row
 * is on disk before the call returns, even if the machine loses power right after.
 */
export function openLedgerDb(filePath: string): Database.Database {
  const db = new Database(filePath);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db, LEDGER_MIGRATIONS);
  return db;
}
