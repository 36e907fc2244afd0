import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { schemaVersion } from '../../sqlite/migration';
import { openLedgerDb } from './ledger-db';
import { LEDGER_MIGRATIONS } from './migrations';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'idlegrid-ledger-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('ledger.db', () => {
  it('opens with WAL and synchronous=FULL, at the latest schema', () => {
    const db = openLedgerDb(join(dir, 'ledger.db'));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2); // FULL
    expect(schemaVersion(db)).toBe(LEDGER_MIGRATIONS.length);
    db.close();
  });
});
