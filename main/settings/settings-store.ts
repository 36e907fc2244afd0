import type Database from 'better-sqlite3';
import { DEFAULT_SETTINGS, settingsSchema, settingsPatchSchema } from '../../common/settings';
import type { Settings, SettingsPatch } from '../../common/settings';
import { Emitter } from '../../common/event';
import type { Event } from '../../common/event';

/**
 * Settings live in ledger.db, one row per key. Reading always yields a complete,
 * valid object: a missing key takes its default, and a stored value that no longer
 * validates (an older or hand-edited database) falls back to the default rather than
 * breaking the app. Every update is announced on `onDidChange`, whoever made it (a
 * settings call, the network switch, the tray, the supplier session).
 */
export class SettingsStore {
  private readonly changed = new Emitter<Settings>();
  readonly onDidChange: Event<Settings> = this.changed.event;
  private readonly selectAll: Database.Statement<[], { key: string; value_json: string }>;
  private readonly upsert: Database.Statement<[string, string, number]>;

  constructor(
    private readonly db: Database.Database,
    private readonly nowMs: () => number,
  ) {
    this.selectAll = db.prepare('SELECT key, value_json FROM settings');
    this.upsert = db.prepare(
      `INSERT INTO settings (key, value_json, updated_at_ms) VALUES (?, ?, ?)
       ON CONFLICT(key) DO UPDATE SET value_json = excluded.value_json, updated_at_ms = excluded.updated_at_ms`,
    );
  }

  get(): Settings {
    const raw: Record<string, unknown> = {};
    for (const row of this.selectAll.all()) {
      try {
        raw[row.key] = JSON.parse(row.value_json);
      } catch {
        // A corrupt value reads as its default below.
      }
    }
    const shape = settingsSchema.shape;
    const result: Record<string, unknown> = {};
    for (const key of Object.keys(shape) as Array<keyof typeof shape>) {
      const parsed = shape[key].safeParse(raw[key]);
      result[key] = parsed.success ? parsed.data : DEFAULT_SETTINGS[key];
    }
    return result as Settings;
  }

  update(patch: SettingsPatch): Settings {
    const valid = settingsPatchSchema.parse(patch);
    const now = this.nowMs();
    this.db.transaction(() => {
      for (const [key, value] of Object.entries(valid)) {
        if (value !== undefined) this.upsert.run(key, JSON.stringify(value), now);
      }
    })();
    const next = this.get();
    this.changed.fire(next);
    return next;
  }
}
