import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate, schemaVersion } from '../../../sqlite/migration';
import { HUB_MIGRATIONS } from './index';

const placement = (gpus: string[]) => JSON.stringify({ nodes: [{ rank: 0, workerId: 'wkr-1', gpuUuids: gpus }] });

describe('hub migration 006: GPU holds', () => {
  it('upgrades a database holding leases: active leases hold their GPUs, ended ones none; a GPU is held once', () => {
    const db = new Database(':memory:');
    db.pragma('foreign_keys = ON');
    migrate(db, HUB_MIGRATIONS, 5);
    const lease = db.prepare(
      `INSERT INTO leases (lease_id, renter, state, end_reason, created_at_ms, expires_at_ms, increment_ms, increment_count, grace_ms, mint, request_json, placement_json)
       VALUES (?, 'renter', ?, ?, 1, 2, 600000, 2, 60000, 'mint', '{}', ?)`,
    );
    lease.run('lease-running', 'running', null, placement(['GPU-0', 'GPU-1']));
    lease.run('lease-ended', 'ended', 'completed', placement(['GPU-0', 'GPU-2']));
    migrate(db, HUB_MIGRATIONS, 6);
    expect(schemaVersion(db)).toBe(6);
    expect(db.prepare('SELECT worker_id, gpu_uuid, lease_id FROM gpu_holds ORDER BY gpu_uuid').all()).toEqual([
      { worker_id: 'wkr-1', gpu_uuid: 'GPU-0', lease_id: 'lease-running' },
      { worker_id: 'wkr-1', gpu_uuid: 'GPU-1', lease_id: 'lease-running' },
    ]);
    const hold = db.prepare('INSERT INTO gpu_holds VALUES (?, ?, ?)');
    expect(() => hold.run('wkr-1', 'GPU-0', 'lease-ended')).toThrow(/UNIQUE|PRIMARY/);
    hold.run('wkr-2', 'GPU-0', 'lease-ended');
    expect(() => hold.run('wkr-3', 'GPU-0', 'lease-missing')).toThrow(/FOREIGN KEY/);
  });
});
