import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate, schemaVersion } from '../../../sqlite/migration';
import { HUB_MIGRATIONS } from './index';

describe('hub migration 007: GPU bindings', () => {
  it('binds the GPUs of existing workers to the first machine that reported them', () => {
    const db = new Database(':memory:');
    db.pragma('foreign_keys = ON');
    migrate(db, HUB_MIGRATIONS, 6);
    const worker = db.prepare(
      'INSERT INTO workers (worker_id, owner, machine_id, hardware_json, region, advertised_host, first_seen_ms, last_seen_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    worker.run('wkr-late', 'owner-b', 'machine-b', JSON.stringify({ gpus: [{ uuid: 'GPU-1', model: 'x', vramMiB: 1, index: 0 }] }), 'eu-west', null, 20, 20);
    worker.run('wkr-first', 'owner-a', 'machine-a', JSON.stringify({ gpus: [{ uuid: 'GPU-1', model: 'x', vramMiB: 1, index: 0 }, { uuid: 'GPU-2', model: 'x', vramMiB: 1, index: 1 }] }), 'eu-west', null, 10, 10);
    worker.run('wkr-none', 'owner-c', 'machine-c', '{"gpus":[]}', 'eu-west', null, 5, 5);
    migrate(db, HUB_MIGRATIONS, 7);
    expect(schemaVersion(db)).toBe(7);
    expect(db.prepare('SELECT gpu_uuid, owner, machine_id, bound_at_ms FROM gpu_bindings ORDER BY gpu_uuid').all()).toEqual([
      { gpu_uuid: 'GPU-1', owner: 'owner-a', machine_id: 'machine-a', bound_at_ms: 10 },
      { gpu_uuid: 'GPU-2', owner: 'owner-a', machine_id: 'machine-a', bound_at_ms: 10 },
    ]);
    expect(() => db.prepare('INSERT INTO gpu_bindings VALUES (?, ?, ?, ?)').run('GPU-2', 'owner-b', 'm', 1)).toThrow(/UNIQUE|PRIMARY/);
  });
});
