import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrate, schemaVersion } from '../../../sqlite/migration';
import { LEDGER_MIGRATIONS } from './index';
import { signedTransfersMigration } from './010-signed-transfers';
import { openLedgerDb } from '../ledger-db';
import { RentLedger } from '../../market/renter/rent-ledger';

describe('migration 010: a payment keeps its signed transaction', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'idlegrid-mig10-'));
    file = join(dir, 'ledger.db');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('upgrades a version-9 ledger holding a signed payment (no transaction kept) and keeps the transaction of the next one', () => {
    expect(signedTransfersMigration.version).toBe(10);
    const old = new Database(file);
    old.pragma('journal_mode = WAL');
    expect(migrate(old, LEDGER_MIGRATIONS, 9)).toBe(9);
    old.prepare(
      `INSERT INTO rent_payments (lease_id, increment, payee, payer, amount_base_units, mint, reference, network, state, signature, auto_approved, signed_at_ms, token)
       VALUES ('lease-1', 0, 'S', 'P', '1500000', 'M', 'ref', 'sandbox', 'signed', 'sig-old', 0, 10, 'USDC')`,
    ).run();
    old.close();
    const db = openLedgerDb(file);
    try {
      expect(schemaVersion(db)).toBeGreaterThanOrEqual(10);
      const ledger = new RentLedger(db, () => 20);
      expect(ledger.payment('lease-1', 0, 'S')).toMatchObject({ state: 'signed', signature: 'sig-old', signedTransaction: null, lastValidBlockHeight: null });
      const next = { leaseId: 'lease-1', increment: 1, payee: 'S', payer: 'P', amount: 1_500_000n, token: 'USDC', mint: 'M', reference: 'ref-1', network: 'sandbox', signature: 'sig-new', signedAtMs: 30 };
      ledger.recordSigned({ ...next, signedTransaction: 'AQID', lastValidBlockHeight: 12_345n });
      expect(ledger.payment('lease-1', 1, 'S')).toMatchObject({ signedTransaction: 'AQID', lastValidBlockHeight: 12_345n });
      expect(() => db.prepare("UPDATE rent_payments SET last_valid_block_height = '-1' WHERE signature = 'sig-new'").run()).toThrow(/CHECK/);
    } finally {
      db.close();
    }
  });
});
