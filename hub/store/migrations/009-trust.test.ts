import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate, schemaVersion } from '../../../sqlite/migration';
import { HUB_MIGRATIONS } from './index';

describe('hub migration 009: trust', () => {
  it('upgrades a database holding a worker and a lease: facts start at zero, evidence belongs to a lease', () => {
    const db = new Database(':memory:');
    db.pragma('foreign_keys = ON');
    migrate(db, HUB_MIGRATIONS, 8);
    db.prepare(
      `INSERT INTO workers (worker_id, owner, machine_id, hardware_json, region, advertised_host, first_seen_ms, last_seen_ms)
       VALUES ('wkr-1', 'owner', 'machine', '{}', 'eu', NULL, 1, 1)`,
    ).run();
    db.prepare("INSERT INTO worker_facts (worker_id, leases_completed) VALUES ('wkr-1', 4)").run();
    db.prepare(
      `INSERT INTO leases (lease_id, renter, state, end_reason, created_at_ms, expires_at_ms, increment_ms, increment_count, grace_ms, mint, request_json, placement_json)
       VALUES ('lease-a', 'renter', 'reserved', NULL, 1, 2, 600000, 2, 60000, 'mint', '{}', '{"nodes":[]}')`,
    ).run();
    migrate(db, HUB_MIGRATIONS, 9);
    expect(schemaVersion(db)).toBe(9);
    expect(db.prepare('SELECT leases_completed, attestations_passed, attestations_failed, refunds_missed FROM worker_facts').get()).toEqual({
      leases_completed: 4,
      attestations_passed: 0,
      attestations_failed: 0,
      refunds_missed: 0,
    });
    const evidence = db.prepare('INSERT INTO lease_evidence (lease_id, seq, kind, worker_id, at_ms, body_json) VALUES (?, ?, ?, ?, ?, ?)');
    evidence.run('lease-a', 1, 'attestation', 'wkr-1', 5, '{"passed":true}');
    expect(() => evidence.run('lease-a', 1, 'payment', null, 6, '{}')).toThrow(/UNIQUE|PRIMARY/);
    expect(() => evidence.run('lease-missing', 1, 'payment', null, 6, '{}')).toThrow(/FOREIGN KEY/);
    expect(() => db.prepare("UPDATE worker_facts SET refunds_missed = -1").run()).toThrow(/CHECK/);
  });
});
