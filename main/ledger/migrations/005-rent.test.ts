import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrate, schemaVersion } from '../../../sqlite/migration';
import { LEDGER_MIGRATIONS } from './index';
import { rentMigration } from './005-rent';
import { openLedgerDb } from '../ledger-db';
import { RentLedger } from '../../market/renter/rent-ledger';

describe('migration 005: rent', () => {
  let dir: string;
  let file: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'idlegrid-mig5-'));
    file = join(dir, 'ledger.db');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** A ledger.db as version 4 of the app left it: settings, an auto-pay budget and a supplier's earning. */
  function databaseAtVersion4(): void {
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    expect(migrate(db, LEDGER_MIGRATIONS, 4)).toBe(4);
    db.prepare('INSERT INTO settings (key, value_json, updated_at_ms) VALUES (?, ?, ?)').run('theme', '"dark"', 1_700_000_000_000);
    db.prepare(`INSERT INTO auto_pay_budgets (lease_id, limit_base_units, spent_base_units, created_at_ms, updated_at_ms) VALUES ('lease-1', '5000000', '1000000', 1, 1)`).run();
    db.prepare(
      `INSERT INTO earnings (signature, lease_id, increment, renter, amount_base_units, recipient, mint, reference, memo, network, gpu_count, electricity_price_per_kwh, paid_at_ms)
       VALUES ('sig-e', 'lease-9', 0, 'R', '100', 'S', 'M', 'ref', 'idlegrid:lease-9:0', 'sandbox', 1, '0', 5)`,
    ).run();
    db.close();
  }

  it('is migration 5 and upgrades a version-4 database with real rows, keeping them', () => {
    expect(rentMigration.version).toBe(5);
    databaseAtVersion4();
    const db = openLedgerDb(file);
    try {
      expect(schemaVersion(db)).toBeGreaterThanOrEqual(5);
      expect(db.prepare('SELECT value_json FROM settings WHERE key = ?').pluck().get('theme')).toBe('"dark"');
      expect(db.prepare('SELECT spent_base_units FROM auto_pay_budgets WHERE lease_id = ?').pluck().get('lease-1')).toBe('1000000');
      expect(db.prepare('SELECT amount_base_units FROM earnings').pluck().get()).toBe('100');
      const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all();
      expect(tables).toEqual(expect.arrayContaining(['rent_leases', 'rent_payments']));
    } finally {
      db.close();
    }
  });

  it('records a payment when signed, keeps it across reopening, and lists receipts newest first', () => {
    databaseAtVersion4();
    let now = 10;
    let db = openLedgerDb(file);
    const base = { leaseId: 'lease-1', payer: 'P', token: 'USDC', mint: 'M', network: 'sandbox', reference: 'ref' };
    let ledger = new RentLedger(db, () => now);
    ledger.rememberLease('lease-1', 'P', 'http://hub');
    ledger.setAutoPay('lease-1', true);
    ledger.recordSigned({ ...base, increment: 0, payee: 'A', amount: 2n ** 64n - 1n, signature: 'sig-a', signedAtMs: 10 });
    ledger.recordSigned({ ...base, increment: 1, payee: 'A', amount: 7n, signature: 'sig-b', signedAtMs: 20 });
    db.close();

    // After a "crash": the signed payments are still there, unsubmitted.
    db = openLedgerDb(file);
    try {
      ledger = new RentLedger(db, () => now);
      expect(ledger.lease('lease-1')).toMatchObject({ autoPayEnabled: true, ended: false, hubUrl: 'http://hub' });
      expect(ledger.unsubmitted('P').map((p) => [p.signature, p.state])).toEqual([['sig-a', 'signed'], ['sig-b', 'signed']]);
      expect(ledger.receipts('P', 10)).toEqual([]); // not known to have left yet
      ledger.markSent('sig-a', false, 30);
      ledger.markSent('sig-b', true, 40);
      now = 50;
      ledger.markSubmitted('sig-a');
      expect(ledger.unsubmitted('P').map((p) => p.signature)).toEqual(['sig-b']);
      expect(ledger.receipts('P', 10)).toEqual([
        { signature: 'sig-b', leaseId: 'lease-1', increment: 1, payee: 'A', amount: '7', token: 'USDC', paidAtMs: 40, network: 'sandbox', autoApproved: true },
        { signature: 'sig-a', leaseId: 'lease-1', increment: 0, payee: 'A', amount: '18446744073709551615', token: 'USDC', paidAtMs: 30, network: 'sandbox', autoApproved: false },
      ]);
      // A payment that left cannot be replaced by another signature; a lost one can.
      ledger.recordSigned({ ...base, increment: 0, payee: 'A', amount: 1n, signature: 'sig-c', signedAtMs: 60 });
      expect(ledger.payment('lease-1', 0, 'A')?.signature).toBe('sig-a');
      ledger.recordSigned({ ...base, increment: 2, payee: 'A', amount: 1n, signature: 'sig-d', signedAtMs: 60 });
      ledger.forgetUnsent('sig-d');
      expect(ledger.payment('lease-1', 2, 'A')).toBeNull();
      expect(() => db.prepare(`UPDATE rent_payments SET amount_base_units = '-1' WHERE signature = 'sig-a'`).run()).toThrow(/CHECK/);
      ledger.markEnded('lease-1');
      expect(ledger.openLeases('P', 'http://hub')).toEqual([]);
    } finally {
      db.close();
    }
  });
});
