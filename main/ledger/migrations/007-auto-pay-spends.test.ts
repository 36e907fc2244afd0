import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate, schemaVersion } from '../../../sqlite/migration';
import { LEDGER_MIGRATIONS } from './index';

describe('ledger migration 007: auto-pay spends', () => {
  it('keeps the budgets and records spends as whole decimal strings with their time', () => {
    const db = new Database(':memory:');
    migrate(db, LEDGER_MIGRATIONS, 6);
    db.prepare("INSERT INTO auto_pay_budgets (lease_id, limit_base_units, spent_base_units, created_at_ms, updated_at_ms) VALUES ('lease-a', '5000000', '1000000', 1, 2)").run();
    migrate(db, LEDGER_MIGRATIONS, 7);
    expect(schemaVersion(db)).toBe(7);
    expect(db.prepare('SELECT spent_base_units FROM auto_pay_budgets').pluck().get()).toBe('1000000');
    const spend = db.prepare('INSERT INTO auto_pay_spends (lease_id, amount_base_units, at_ms) VALUES (?, ?, ?)');
    spend.run('lease-a', '1000000', 10);
    expect(() => spend.run('lease-a', '1.5', 11)).toThrow(/CHECK/);
    expect(db.prepare('SELECT lease_id, amount_base_units, at_ms FROM auto_pay_spends').all()).toEqual([{ lease_id: 'lease-a', amount_base_units: '1000000', at_ms: 10 }]);
  });
});
