import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate, schemaVersion } from '../../../sqlite/migration';
import { HUB_MIGRATIONS } from './index';

describe('hub migration 008: expired reservations in renter facts', () => {
  it('keeps every renter row and starts its expired count at zero', () => {
    const db = new Database(':memory:');
    migrate(db, HUB_MIGRATIONS, 7);
    db.prepare('INSERT INTO renter_facts (address, increments_on_time, increments_late, increments_missed) VALUES (?, ?, ?, ?)').run('renter-a', 3, 1, 2);
    migrate(db, HUB_MIGRATIONS, 8);
    expect(schemaVersion(db)).toBe(8);
    expect(db.prepare('SELECT * FROM renter_facts').all()).toEqual([
      { address: 'renter-a', increments_on_time: 3, increments_late: 1, increments_missed: 2, reservations_expired: 0 },
    ]);
  });
});
