import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrate, schemaVersion } from '../../../sqlite/migration';
import { LEDGER_MIGRATIONS } from './index';
import { supplierMigration } from './004-supplier';
import { openLedgerDb } from '../ledger-db';
import { EarningsStore } from '../../market/supplier/earnings-store';
import { SupplierLeaseStore } from '../../market/supplier/supplier-lease-store';

describe('migration 004: supplier', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'idlegrid-mig4-'));
    file = join(dir, 'ledger.db');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('upgrades a version-3 database with real rows, keeping them', () => {
    expect(supplierMigration.version).toBe(4);
    const old = new Database(file);
    expect(migrate(old, LEDGER_MIGRATIONS, 3)).toBe(3);
    old.prepare('INSERT INTO settings (key, value_json, updated_at_ms) VALUES (?, ?, ?)').run('theme', '"dark"', 1);
    old.prepare(`INSERT INTO credited_payments VALUES ('sig1', 'sandbox', 'l', 0, 'r', 'm', '5', 1, NULL, 1)`).run();
    old.close();
    const db = openLedgerDb(file);
    try {
      expect(schemaVersion(db)).toBeGreaterThanOrEqual(4);
      expect(db.prepare('SELECT COUNT(*) FROM credited_payments').pluck().get()).toBe(1);
      expect(db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all()).toEqual(expect.arrayContaining(['supplier_machine', 'supplier_leases', 'earnings']));
    } finally {
      db.close();
    }
  });

  it('keeps one machine id, and counts a payment once by signature and by (lease, increment)', () => {
    let db = openLedgerDb(file);
    const id = new SupplierLeaseStore(db, () => 1).machineId();
    expect(id).toMatch(/^[A-Za-z0-9_-]{8,64}$/);
    const earnings = new EarningsStore(db);
    const row = { signature: 's1', leaseId: 'l1', increment: 0, renter: 'R', amount: 2n ** 64n - 1n, recipient: 'P', mint: 'M', reference: 'ref', memo: 'idlegrid:l1:0', network: 'sandbox', gpuCount: 2, electricityPricePerKwh: 150_000n, paidAtMs: 5 };
    expect(earnings.record(row)).toBe(true);
    expect(earnings.record(row)).toBe(false);
    expect(earnings.record({ ...row, signature: 's2' })).toBe(false);
    earnings.accrue('s1', 3600, 500);
    db.close();
    db = openLedgerDb(file);
    try {
      expect(new SupplierLeaseStore(db, () => 2).machineId()).toBe(id);
      const [stored] = new EarningsStore(db).all();
      expect(stored).toMatchObject({ amount: 2n ** 64n - 1n, gpuSeconds: 3600, energyWh: 500 });
      expect(() => db.prepare(`INSERT INTO earnings (signature, lease_id, increment, renter, amount_base_units, recipient, mint, reference, memo, network, gpu_count, electricity_price_per_kwh, paid_at_ms) VALUES ('x','l',1,'r','1.5','p','m','r','m','n',1,'1',1)`).run()).toThrow(/CHECK/);
    } finally {
      db.close();
    }
  });
});
