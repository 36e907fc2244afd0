import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate, schemaVersion } from '../../../sqlite/migration';
import { HUB_MIGRATIONS } from './index';

describe('hub migration 003: leases', () => {
  it('upgrades a database holding workers; a lease ends only with a reason, in known states', () => {
    const db = new Database(':memory:');
    db.pragma('foreign_keys = ON');
    migrate(db, HUB_MIGRATIONS, 2);
    db.prepare(
      'INSERT INTO workers (worker_id, owner, machine_id, hardware_json, region, advertised_host, first_seen_ms, last_seen_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    ).run('wkr-1', 'owner-a', 'machine-1', '{"gpus":[]}', 'eu-west', null, 10, 10);
    migrate(db, HUB_MIGRATIONS, 3);
    expect(schemaVersion(db)).toBe(3);
    expect(db.prepare('SELECT count(*) FROM workers').pluck().get()).toBe(1);

    const lease = db.prepare(
      `INSERT INTO leases (lease_id, renter, state, end_reason, created_at_ms, expires_at_ms, increment_ms, increment_count, grace_ms, mint, request_json, placement_json)
       VALUES (?, 'renter', ?, ?, 1, 2, 600000, 3, 60000, 'mint', '{}', '{"nodes":[]}')`,
    );
    lease.run('lease-a', 'reserved', null);
    expect(() => lease.run('lease-b', 'ended', null)).toThrow(/CHECK/);
    expect(() => lease.run('lease-c', 'running', 'completed')).toThrow(/CHECK/);
    expect(() => lease.run('lease-d', 'sleeping', null)).toThrow(/CHECK/);
    lease.run('lease-e', 'ended', 'supplier-lost');

    db.prepare("INSERT INTO lease_nodes VALUES ('lease-a', 0, 'wkr-1', 'assigned', NULL, 1)").run();
    expect(() => db.prepare("INSERT INTO lease_nodes VALUES ('lease-a', 0, 'wkr-1', 'assigned', NULL, 1)").run()).toThrow(/UNIQUE|PRIMARY/);
    db.prepare("INSERT INTO lease_transitions VALUES ('lease-a', 1, NULL, 'reserved', NULL, 1, 'placed')").run();
    expect(db.prepare("SELECT count(*) FROM leases WHERE state <> 'ended'").pluck().get()).toBe(1);
  });
});
