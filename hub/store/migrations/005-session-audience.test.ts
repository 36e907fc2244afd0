import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate, schemaVersion } from '../../../sqlite/migration';
import { HUB_MIGRATIONS } from './index';

describe('hub migration 005: session audience', () => {
  it('drops sessions made without an audience and stores renter or worker from then on', () => {
    const db = new Database(':memory:');
    db.pragma('foreign_keys = ON');
    migrate(db, HUB_MIGRATIONS, 4);
    db.prepare('INSERT INTO sessions VALUES (?, ?, ?, ?)').run('ab'.repeat(32), 'So11111111111111111111111111111111111111112', 1, 2);
    migrate(db, HUB_MIGRATIONS, 5);
    expect(schemaVersion(db)).toBe(5);
    expect(db.prepare('SELECT count(*) FROM sessions').pluck().get()).toBe(0);
    const insert = db.prepare('INSERT INTO sessions (token_hash, address, created_at_ms, expires_at_ms, audience) VALUES (?, ?, ?, ?, ?)');
    insert.run('cd'.repeat(32), 'addr', 1, 2, 'worker');
    insert.run('ef'.repeat(32), 'addr', 1, 2, 'renter');
    expect(() => insert.run('01'.repeat(32), 'addr', 1, 2, 'admin')).toThrow(/CHECK/);
    expect(db.prepare('SELECT audience FROM sessions ORDER BY token_hash').pluck().all()).toEqual(['worker', 'renter']);
  });
});
