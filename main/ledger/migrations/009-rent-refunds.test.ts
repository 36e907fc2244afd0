import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrate, schemaVersion } from '../../../sqlite/migration';
import { LEDGER_MIGRATIONS } from './index';
import { rentRefundsMigration } from './009-rent-refunds';
import { openLedgerDb } from '../ledger-db';
import { RentLedger } from '../../market/renter/rent-ledger';

describe('migrations 008 and 009: supplier refunds, renter refunds', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'idlegrid-mig8-'));
    file = join(dir, 'ledger.db');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('upgrades a version-7 ledger with a receipt and an earning; refunds show as negative receipts, once', () => {
    expect(rentRefundsMigration.version).toBe(9);
    const old = new Database(file);
    old.pragma('journal_mode = WAL');
    expect(migrate(old, LEDGER_MIGRATIONS, 7)).toBe(7);
    old.prepare(
      `INSERT INTO rent_payments (lease_id, increment, payee, payer, amount_base_units, mint, reference, network, state, signature, auto_approved, signed_at_ms, paid_at_ms, token)
       VALUES ('lease-1', 0, 'S', 'P', '1500000', 'M', 'ref', 'sandbox', 'sent', 'sig-pay', 0, 10, 11, 'USDC')`,
    ).run();
    old.close();
    const db = openLedgerDb(file);
    try {
      expect(schemaVersion(db)).toBeGreaterThanOrEqual(9);
      const ledger = new RentLedger(db, () => 20);
      const refund = { signature: 'sig-refund', leaseId: 'lease-1', increment: 0, payee: 'S', renter: 'P', amount: 500_000n, token: 'USDC', network: 'sandbox', receivedAtMs: 30 };
      expect(ledger.recordRefund(refund)).toBe(true);
      expect(ledger.recordRefund(refund)).toBe(false);
      expect(ledger.receipts('P', 10).map((r) => [r.signature, r.amount, r.refund ?? false])).toEqual([
        ['sig-refund', '-500000', true],
        ['sig-pay', '1500000', false],
      ]);
      expect(() => db.prepare("INSERT INTO supplier_refunds (lease_id, increment, renter, payer, payment_signature, amount_base_units, mint, memo, network, reason, state, owed_at_ms) VALUES ('l', 0, 'r', 'p', 's', '-1', 'm', 'x', 'n', 'why', 'owed', 1)").run()).toThrow(/CHECK/);
    } finally {
      db.close();
    }
  });
});
