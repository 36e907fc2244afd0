import type Database from 'better-sqlite3';
import { openDatabase } from '../../sqlite/open-database';
import { LEDGER_MIGRATIONS } from './migrations';

/**
 * ledger.db holds money and state that must survive a crash (earnings, spending, jobs,
 * settings), so it opens with the `money` durability: a committed row is on disk first.
 */
export function openLedgerDb(filePath: string): Database.Database {
  return openDatabase(filePath, { durability: 'money', migrations: LEDGER_MIGRATIONS });
}
