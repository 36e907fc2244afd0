import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate, schemaVersion } from '../../../sqlite/migration';
import { HUB_MIGRATIONS } from './index';

describe('hub migration 004: payments', () => {
  it('upgrades a database holding a lease; a signature is unique and amounts are whole decimal strings', () => {
    const db = new Database(':memory:');
    db.pragma('foreign_keys = ON');
    migrate(db, HUB_MIGRATIONS, 3);
    db.prepare(
      `INSERT INTO leases (lease_id, renter, state, end_reason, created_at_ms, expires_at_ms, increment_ms, increment_count, grace_ms, mint, request_json, placement_json)
       VALUES ('lease-a', 'renter', 'reserved', NULL, 1, 2, 600000, 2, 60000, 'mint', '{}', '{"nodes":[]}')`,
    ).run();
    migrate(db, HUB_MIGRATIONS, 4);
    expect(schemaVersion(db)).toBe(4);
    expect(db.prepare('SELECT volume_paid FROM hub_totals').pluck().get()).toBe('0');

    const expected = db.prepare('INSERT INTO lease_payments (lease_id, increment, payee, amount, reference, memo) VALUES (?, ?, ?, ?, ?, ?)');
    expected.run('lease-a', 0, 'payee-1', '1500000', 'ref-0', 'idlegrid:lease-a:0');
    expected.run('lease-a', 1, 'payee-1', '1500000', 'ref-1', 'idlegrid:lease-a:1');
    expect(() => expected.run('lease-a', 2, 'payee-1', '1.5', 'ref-2', 'm')).toThrow(/CHECK/);
    expect(() => expected.run('lease-a', 3, 'payee-1', '-5', 'ref-3', 'm')).toThrow(/CHECK/);
    expect(() => expected.run('lease-a', 4, 'payee-1', '5', 'ref-0', 'm')).toThrow(/UNIQUE/);
    expect(() => expected.run('lease-missing', 0, 'payee-1', '5', 'ref-9', 'm')).toThrow(/FOREIGN KEY/);

    const credit = db.prepare('UPDATE lease_payments SET signature = ?, paid_at_ms = ?, on_time = 1 WHERE lease_id = ? AND increment = ?');
    credit.run('sig-1', 100, 'lease-a', 0);
    expect(() => credit.run('sig-1', 200, 'lease-a', 1)).toThrow(/UNIQUE/);
    expect(() => db.prepare("UPDATE lease_payments SET signature = 'sig-2' WHERE increment = 1").run()).toThrow(/CHECK/);
    expect(() => db.prepare("INSERT INTO hub_totals VALUES (2, '0')").run()).toThrow(/CHECK/);
  });
});
