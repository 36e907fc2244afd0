import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate, schemaVersion } from '../../../sqlite/migration';
import { HUB_MIGRATIONS } from './index';

describe('hub migration 001: sessions', () => {
  it('stores sessions by token hash, one row per hash, with STRICT types', () => {
    const db = new Database(':memory:');
    migrate(db, HUB_MIGRATIONS, 1);
    expect(schemaVersion(db)).toBe(1);
    const insert = db.prepare('INSERT INTO sessions VALUES (?, ?, ?, ?)');
    insert.run('ab'.repeat(32), 'So11111111111111111111111111111111111111112', 1_700_000_000_000, 1_700_000_600_000);
    expect(() => insert.run('ab'.repeat(32), 'x', 1, 2)).toThrow(/UNIQUE/);
    expect(() => insert.run('cd'.repeat(32), 'x', 'soon', 2)).toThrow(/cannot store TEXT/);
    expect(db.prepare('SELECT count(*) FROM sessions WHERE expires_at_ms > ?').pluck().get(1_700_000_000_001)).toBe(1);
  });
});
