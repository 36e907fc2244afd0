import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrate, schemaVersion } from '../../../sqlite/migration';
import { LEDGER_MIGRATIONS } from './index';

describe('migration 002: jobs', () => {
  let dir: string;
  let file: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'idlegrid-mig2-'));
    file = join(dir, 'ledger.db');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** Opens the file as the app does, migrated up to version 2 exactly (later migrations have tests of their own). */
  function openAtVersion2(): Database.Database {
    const db = new Database(file);
    db.pragma('foreign_keys = ON');
    migrate(db, LEDGER_MIGRATIONS, 2);
    return db;
  }

  /** A ledger.db as version 1 of the app left it, holding the settings a user had made. */
  function databaseAtVersion1(): void {
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    expect(migrate(db, LEDGER_MIGRATIONS, 1)).toBe(1);
    const insert = db.prepare('INSERT INTO settings (key, value_json, updated_at_ms) VALUES (?, ?, ?)');
    insert.run('theme', '"dark"', 1_700_000_000_000);
    insert.run('telemetryEnabled', 'false', 1_700_000_000_001);
    insert.run('someFutureKey', '{"kept":true}', 1_700_000_000_002);
    db.close();
  }

  it('upgrades a version-1 database with settings rows to version 2, keeping every row', () => {
    databaseAtVersion1();
    const db = openAtVersion2();
    try {
      expect(schemaVersion(db)).toBe(2);
      const settings = db.prepare('SELECT key, value_json, updated_at_ms FROM settings ORDER BY key').all();
      expect(settings).toEqual([
        { key: 'someFutureKey', value_json: '{"kept":true}', updated_at_ms: 1_700_000_000_002 },
        { key: 'telemetryEnabled', value_json: 'false', updated_at_ms: 1_700_000_000_001 },
        { key: 'theme', value_json: '"dark"', updated_at_ms: 1_700_000_000_000 },
      ]);
      const tables = db
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
        .pluck()
        .all();
      expect(tables).toEqual(['job_transitions', 'jobs', 'settings', 'worker_identity']);
    } finally {
      db.close();
    }
  });

  it('holds a job and its transitions, and rejects states and rows the worker never writes', () => {
    databaseAtVersion1();
    const db = openAtVersion2();
    try {
      db.prepare(
        `INSERT INTO jobs (id, lease_id, image, spec_json, state, created_at_ms, deadline_at_ms, updated_at_ms)
         VALUES ('job-1', 'lease-1', 'busybox:1', '{}', 'queued', 1, 100, 1)`,
      ).run();
      db.prepare(
        `INSERT INTO job_transitions (job_id, at_ms, state, exit_code, reason) VALUES ('job-1', 5, 'failed', 137, 'oom-killed')`,
      ).run();
      expect(db.prepare('SELECT state, ports_json, is_test FROM jobs').get()).toEqual({
        state: 'queued',
        ports_json: '[]',
        is_test: 0,
      });
      expect(db.prepare('SELECT exit_code, reason FROM job_transitions').get()).toEqual({
        exit_code: 137,
        reason: 'oom-killed',
      });

      // An unknown state, a transition of no job, a second identity row: all refused.
      expect(() =>
        db.prepare(
          `INSERT INTO jobs (id, lease_id, image, spec_json, state, created_at_ms, deadline_at_ms, updated_at_ms)
           VALUES ('job-2', 'lease-1', 'x', '{}', 'exploded', 1, 1, 1)`,
        ).run(),
      ).toThrow(/CHECK constraint/);
      expect(() =>
        db.prepare(`INSERT INTO job_transitions (job_id, at_ms, state) VALUES ('nope', 1, 'queued')`).run(),
      ).toThrow(/FOREIGN KEY/);
      db.prepare(`INSERT INTO worker_identity (id, worker_id, created_at_ms) VALUES (1, 'w1', 1)`).run();
      expect(() =>
        db.prepare(`INSERT INTO worker_identity (id, worker_id, created_at_ms) VALUES (2, 'w2', 1)`).run(),
      ).toThrow(/CHECK constraint/);
      // STRICT tables: a text exit code is not silently stored.
      expect(() =>
        db.prepare(`UPDATE jobs SET exit_code = 'oops' WHERE id = 'job-1'`).run(),
      ).toThrow(/cannot store TEXT value in INTEGER column/);
    } finally {
      db.close();
    }
  });

  it('runs once: opening the upgraded database again changes nothing', () => {
    databaseAtVersion1();
    openAtVersion2().close();
    const db = openAtVersion2();
    try {
      expect(schemaVersion(db)).toBe(2);
      expect(db.prepare('SELECT count(*) FROM settings').pluck().get()).toBe(3);
    } finally {
      db.close();
    }
  });
});
