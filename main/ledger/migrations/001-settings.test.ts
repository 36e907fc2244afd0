import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate, schemaVersion } from '../../../sqlite/migration';
import { settingsMigration } from './001-settings';

describe('migration 001: settings', () => {
  it('creates a settings table that keys by name and rejects wrong types (STRICT)', () => {
    const db = new Database(':memory:');
    migrate(db, [settingsMigration]);
    expect(schemaVersion(db)).toBe(1);
    db.prepare('INSERT INTO settings VALUES (?, ?, ?)').run('theme', '"dark"', 1_700_000_000_000);
    expect(() => db.prepare('INSERT INTO settings VALUES (?, ?, ?)').run('theme', '"light"', 1)).toThrow(/UNIQUE/);
    expect(() => db.prepare('INSERT INTO settings VALUES (?, ?, ?)').run('x', '1', 'yesterday')).toThrow(/cannot store TEXT/);
    expect(db.prepare('SELECT value_json FROM settings WHERE key = ?').pluck().get('theme')).toBe('"dark"');
  });
});
