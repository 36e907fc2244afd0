import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate, schemaVersion } from '../../../sqlite/migration';
import { HUB_MIGRATIONS } from './index';

describe('hub migration 010: explorer series', () => {
  it('upgrades a database holding a lease and its payments: they stay; a point is kept once per resolution and time, volume whole', () => {
    const db = new Database(':memory:');
    db.pragma('foreign_keys = ON');
    migrate(db, HUB_MIGRATIONS, 9);
    db.prepare(
      `INSERT INTO leases (lease_id, renter, state, end_reason, created_at_ms, expires_at_ms, increment_ms, increment_count, grace_ms, mint, request_json, placement_json)
       VALUES ('lease-a', 'renter', 'reserved', NULL, 1, 2, 600000, 2, 60000, 'mint', '{}', '{"nodes":[]}')`,
    ).run();
    migrate(db, HUB_MIGRATIONS, 10);
    expect(schemaVersion(db)).toBe(10);
    expect(db.prepare('SELECT lease_id FROM leases').all()).toEqual([{ lease_id: 'lease-a' }]);
    const point = db.prepare('INSERT INTO explorer_series VALUES (?, ?, 1, 2, 1, ?, 1, 1, ?, ?)');
    point.run(60_000, 120_000, 0.5, '123456789012345678901234567890', '[]');
    point.run(3_600_000, 120_000, 0.5, '1', '[]');
    expect(() => point.run(60_000, 120_000, 0.5, '1', '[]')).toThrow(/UNIQUE|PRIMARY/);
    expect(() => point.run(60_000, 180_000, 0.5, '-1', '[]')).toThrow(/CHECK/);
    expect(() => point.run(60_000, 240_000, 1.5, '1', '[]')).toThrow(/CHECK/);
    expect(db.prepare('SELECT volume_paid FROM explorer_series WHERE resolution_ms = 60000').get()).toEqual({ volume_paid: '123456789012345678901234567890' });
  });
});
