import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrate, schemaVersion } from '../../../sqlite/migration';
import { LEDGER_MIGRATIONS } from './index';
import { paymentTokensMigration } from './006-payment-tokens';
import { openLedgerDb } from '../ledger-db';
import { RentLedger } from '../../market/renter/rent-ledger';

describe('migration 006: payment tokens', () => {
  let dir: string;
  let file: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'idlegrid-mig6-'));
    file = join(dir, 'ledger.db');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** A ledger.db as version 5 of the app left it, with a sent lease payment (a receipt). */
  function databaseAtVersion5(): void {
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    expect(migrate(db, LEDGER_MIGRATIONS, 5)).toBe(5);
    db.prepare(
      `INSERT INTO rent_payments (lease_id, increment, payee, payer, amount_base_units, mint, reference, network, state, signature, auto_approved, signed_at_ms, paid_at_ms)
       VALUES ('lease-1', 0, 'S', 'P', '1500000', 'M', 'ref', 'sandbox', 'sent', 'sig-old', 0, 10, 11)`,
    ).run();
    db.close();
  }

  it('is migration 6 and reads the receipts made before it as USDC, keeping them', () => {
    expect(paymentTokensMigration.version).toBe(6);
    databaseAtVersion5();
    const db = openLedgerDb(file);
    try {
      expect(schemaVersion(db)).toBeGreaterThanOrEqual(6);
      expect(new RentLedger(db, () => 20).receipts('P', 10)).toEqual([
        { signature: 'sig-old', leaseId: 'lease-1', increment: 0, payee: 'S', amount: '1500000', token: 'USDC', paidAtMs: 11, network: 'sandbox', autoApproved: false },
      ]);
    } finally {
      db.close();
    }
  });

  it('keeps the token of each new payment, and refuses an empty one', () => {
    databaseAtVersion5();
    const db = openLedgerDb(file);
    try {
      const ledger = new RentLedger(db, () => 30);
      ledger.recordSigned({ leaseId: 'lease-2', increment: 0, payee: 'S', payer: 'P', amount: 250n, token: 'EURT', mint: 'E', reference: 'r2', network: 'sandbox', signature: 'sig-new', signedAtMs: 30 });
      ledger.markSent('sig-new', true, 31);
      expect(ledger.payment('lease-2', 0, 'S')).toMatchObject({ token: 'EURT', amount: 250n });
      expect(ledger.receipts('P', 10).map((r) => [r.signature, r.token])).toEqual([['sig-new', 'EURT'], ['sig-old', 'USDC']]);
      expect(() => db.prepare(`UPDATE rent_payments SET token = '' WHERE signature = 'sig-new'`).run()).toThrow(/CHECK constraint/);
    } finally {
      db.close();
    }
  });
});
