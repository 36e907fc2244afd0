import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrate, schemaVersion } from './migration';
import type { Migration } from './migration';
import { openDatabase } from './open-database';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'idlegrid-ledger-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('migrate', () => {
  const m = (version: number, sql: string): Migration => ({ version, name: `m${version}`, up: (db) => db.exec(sql) });

  it('applies each migration once, in order, recording the version', () => {
    const db = new Database(join(dir, 'a.db'));
    expect(migrate(db, [m(1, 'CREATE TABLE a (x)'), m(2, 'CREATE TABLE b (y)')])).toBe(2);
    expect(migrate(db, [m(1, 'CREATE TABLE a (x)'), m(2, 'CREATE TABLE b (y)')])).toBe(2);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name").pluck().all()).toEqual(['a', 'b']);
  });

  it('rolls back a failing migration entirely and keeps the old version', () => {
    const db = new Database(join(dir, 'b.db'));
    migrate(db, [m(1, 'CREATE TABLE a (x)')]);
    expect(() => migrate(db, [m(1, 'CREATE TABLE a (x)'), m(2, 'CREATE TABLE c (z); INSERT INTO nope VALUES (1)')])).toThrow();
    expect(schemaVersion(db)).toBe(1);
    expect(db.prepare("SELECT count(*) FROM sqlite_master WHERE name='c'").pluck().get()).toBe(0);
  });

  it('refuses a database from a newer app with a message that says what to do', () => {
    const db = new Database(join(dir, 'c.db'));
    db.pragma('user_version = 9');
    expect(() => migrate(db, [m(1, 'CREATE TABLE a (x)')])).toThrow(/newer Idlegrid.*Update Idlegrid/);
  });

  it('refuses gaps in the numbering', () => {
    const db = new Database(join(dir, 'd.db'));
    expect(() => migrate(db, [m(1, 'SELECT 1'), m(3, 'SELECT 1')])).toThrow(/numbered 1, 2, 3/);
  });
});

describe('openDatabase', () => {
  const m = (version: number, sql: string): Migration => ({ version, name: `m${version}`, up: (db) => db.exec(sql) });

  it('money databases open with WAL and synchronous=FULL, at the latest schema', () => {
    const db = openDatabase(join(dir, 'money.db'), { durability: 'money', migrations: [m(1, 'CREATE TABLE a (x)')] });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2); // FULL
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(schemaVersion(db)).toBe(1);
    db.close();
  });

  it('sample databases trade the last second for speed: synchronous=NORMAL', () => {
    const db = openDatabase(join(dir, 'samples.db'), { durability: 'samples', migrations: [] });
    expect(db.pragma('synchronous', { simple: true })).toBe(1); // NORMAL
    db.close();
  });

  it('closes the file when a migration fails, so the next open is not locked out', () => {
    expect(() => openDatabase(join(dir, 'bad.db'), { durability: 'money', migrations: [m(1, 'INSERT INTO nope VALUES (1)')] })).toThrow();
    const db = openDatabase(join(dir, 'bad.db'), { durability: 'money', migrations: [m(1, 'CREATE TABLE ok (x)')] });
    expect(schemaVersion(db)).toBe(1);
    db.close();
  });
});
