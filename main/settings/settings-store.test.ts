import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../common/settings';
import { openLedgerDb } from '../ledger/ledger-db';
import { SettingsStore } from './settings-store';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'idlegrid-settings-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('SettingsStore', () => {
  it('reads defaults from a new database', () => {
    const db = openLedgerDb(join(dir, 'ledger.db'));
    expect(new SettingsStore(db, () => 1).get()).toEqual(DEFAULT_SETTINGS);
    db.close();
  });

  it('keeps an update across reopening the file', () => {
    const file = join(dir, 'ledger.db');
    const db = openLedgerDb(file);
    new SettingsStore(db, () => 1).update({ theme: 'light', telemetryEnabled: false });
    db.close();
    const reopened = openLedgerDb(file);
    expect(new SettingsStore(reopened, () => 2).get()).toMatchObject({ theme: 'light', telemetryEnabled: false, temperatureUnit: 'C' });
    reopened.close();
  });

  it('changes only the fields a patch names', () => {
    const db = openLedgerDb(join(dir, 'ledger.db'));
    const store = new SettingsStore(db, () => 1);
    store.update({ theme: 'light' });
    expect(store.update({ temperatureUnit: 'F' })).toEqual({ ...DEFAULT_SETTINGS, theme: 'light', temperatureUnit: 'F' });
    db.close();
  });

  it('rejects an invalid patch and writes nothing', () => {
    const db = openLedgerDb(join(dir, 'ledger.db'));
    const store = new SettingsStore(db, () => 1);
    expect(() => store.update({ theme: 'neon' } as never)).toThrow();
    expect(() => store.update({ theme: 'dark', bogus: 1 } as never)).toThrow();
    expect(store.get()).toEqual(DEFAULT_SETTINGS);
    db.close();
  });

  it('falls back to the default for a stored value that no longer validates', () => {
    const db = openLedgerDb(join(dir, 'ledger.db'));
    db.prepare('INSERT INTO settings VALUES (?, ?, ?)').run('theme', '"sepia"', 1);
    db.prepare('INSERT INTO settings VALUES (?, ?, ?)').run('temperatureUnit', '{broken', 1);
    db.prepare('INSERT INTO settings VALUES (?, ?, ?)').run('telemetryEnabled', 'false', 1);
    expect(new SettingsStore(db, () => 1).get()).toEqual({ ...DEFAULT_SETTINGS, telemetryEnabled: false });
    db.close();
  });
});
