import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate, schemaVersion } from '../../../sqlite/migration';
import { HUB_MIGRATIONS } from './index';

describe('hub migration 002: workers and offers', () => {
  it('upgrades a database holding sessions, then keys workers by owner and machine', () => {
    const db = new Database(':memory:');
    db.pragma('foreign_keys = ON');
    migrate(db, HUB_MIGRATIONS, 1);
    db.prepare('INSERT INTO sessions VALUES (?, ?, ?, ?)').run('ff'.repeat(32), 'owner-a', 1, 2);
    migrate(db, HUB_MIGRATIONS, 2);
    expect(schemaVersion(db)).toBe(2);
    expect(db.prepare('SELECT address FROM sessions').pluck().get()).toBe('owner-a');

    const worker = db.prepare(
      'INSERT INTO workers (worker_id, owner, machine_id, hardware_json, region, advertised_host, first_seen_ms, last_seen_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    worker.run('wkr-1', 'owner-a', 'machine-1', '{"gpus":[]}', 'eu-west', null, 10, 10);
    expect(() => worker.run('wkr-2', 'owner-a', 'machine-1', '{}', 'eu-west', null, 11, 11)).toThrow(/UNIQUE/);
    worker.run('wkr-3', 'owner-b', 'machine-1', '{}', 'us-east', null, 12, 12);
    expect(db.prepare('SELECT online_ms FROM workers WHERE worker_id = ?').pluck().get('wkr-1')).toBe(0);

    const offer = db.prepare('INSERT INTO offers (offer_id, worker_id, gpu_model, vram_mib, terms_json, created_at_ms, updated_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?)');
    offer.run('ofr-1', 'wkr-1', 'NVIDIA GeForce RTX 4090', 24_564, '{}', 20, 20);
    expect(() => offer.run('ofr-2', 'wkr-missing', 'x', 1, '{}', 1, 1)).toThrow(/FOREIGN KEY/);
    db.prepare('INSERT INTO worker_facts (worker_id) VALUES (?)').run('wkr-1');
    expect(db.prepare('SELECT leases_completed + hardware_checks_total FROM worker_facts').pluck().get()).toBe(0);
  });
});
