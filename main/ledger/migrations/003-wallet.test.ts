import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrate, schemaVersion } from '../../../sqlite/migration';
import { LEDGER_MIGRATIONS } from './index';
import { walletMigration } from './003-wallet';
import { openLedgerDb } from '../ledger-db';
import { CreditedPayments } from '../../wallet/credited-payments';
import { AutoPayBudgets } from '../../wallet/auto-pay-budgets';

describe('migration 003: wallet', () => {
  let dir: string;
  let file: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'idlegrid-mig3-'));
    file = join(dir, 'ledger.db');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** A ledger.db as version 2 of the app left it: settings and a job with its transitions. */
  function databaseAtVersion2(): void {
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    expect(migrate(db, LEDGER_MIGRATIONS, 2)).toBe(2);
    db.prepare('INSERT INTO settings (key, value_json, updated_at_ms) VALUES (?, ?, ?)').run('theme', '"dark"', 1_700_000_000_000);
    db.prepare(
      `INSERT INTO jobs (id, lease_id, image, spec_json, state, created_at_ms, deadline_at_ms, updated_at_ms)
       VALUES ('job-1', 'lease-1', 'busybox:1', '{}', 'running', 1, 100, 1)`,
    ).run();
    db.prepare(`INSERT INTO job_transitions (job_id, at_ms, state) VALUES ('job-1', 1, 'running')`).run();
    db.close();
  }

  it('is migration 3 and upgrades a version-2 database with real rows, keeping them', () => {
    expect(walletMigration.version).toBe(3);
    databaseAtVersion2();
    const db = openLedgerDb(file);
    try {
      expect(schemaVersion(db)).toBeGreaterThanOrEqual(3);
      expect(db.prepare('SELECT value_json FROM settings WHERE key = ?').pluck().get('theme')).toBe('"dark"');
      expect(db.prepare('SELECT state FROM jobs WHERE id = ?').pluck().get('job-1')).toBe('running');
      expect(db.prepare('SELECT COUNT(*) FROM job_transitions').pluck().get()).toBe(1);
      const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all();
      expect(tables).toEqual(expect.arrayContaining(['credited_payments', 'auto_pay_budgets', 'wallet_activity']));
    } finally {
      db.close();
    }
  });

  it('credits a signature once, ever, and keeps u64 amounts exact', () => {
    databaseAtVersion2();
    const db = openLedgerDb(file);
    try {
      const credits = new CreditedPayments(db, () => 5);
      const payment = {
        signature: '5'.repeat(88),
        network: 'sandbox',
        leaseId: 'lease-1',
        increment: 0,
        recipient: 'R',
        mint: 'M',
        amount: 2n ** 64n - 1n,
        slot: 10n,
        blockTimeMs: null,
      };
      expect(credits.credit(payment)).toBe(true);
      expect(credits.credit({ ...payment, leaseId: 'lease-2' })).toBe(false);
      expect(credits.isCredited(payment.signature)).toBe(true);
      expect(db.prepare('SELECT amount_base_units, lease_id FROM credited_payments').all()).toEqual([
        { amount_base_units: '18446744073709551615', lease_id: 'lease-1' },
      ]);
      // Amounts are digits only: a float or a sign cannot get in.
      expect(() =>
        db.prepare(`INSERT INTO credited_payments VALUES ('x', 'sandbox', 'l', 0, 'r', 'm', '1.5', 1, NULL, 1)`).run(),
      ).toThrow(/CHECK/);
    } finally {
      db.close();
    }
  });

  it('reserves auto-pay budget atomically and keeps what was spent across reopening', () => {
    databaseAtVersion2();
    let db = openLedgerDb(file);
    const budgets = new AutoPayBudgets(db, () => 1);
    budgets.grant('lease-1', 3_000_000n);
    expect(budgets.tryReserve('lease-1', 2_000_000n)).toBe(true);
    expect(budgets.tryReserve('lease-1', 2_000_000n)).toBe(false);
    expect(budgets.tryReserve('lease-unknown', 1n)).toBe(false);
    db.close();
    db = openLedgerDb(file);
    try {
      const again = new AutoPayBudgets(db, () => 2);
      expect(again.get('lease-1')).toEqual({ leaseId: 'lease-1', limit: 3_000_000n, spent: 2_000_000n });
      again.release('lease-1', 2_000_000n);
      expect(again.tryReserve('lease-1', 3_000_000n)).toBe(true);
    } finally {
      db.close();
    }
  });
});
