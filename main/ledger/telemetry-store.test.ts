import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TelemetrySample } from '../../common/hardware/gpu';
import { TELEMETRY_METRICS } from '../../common/hardware/gpu';
import { TelemetryStore } from './telemetry-store';

// A real SQLite file in a temp dir; every timestamp is synthetic, so hours and days of
// history are generated in milliseconds.
const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const T0 = Date.UTC(2025, 0, 1); // a whole hour, so buckets line up with the loops below
const GPUS = ['GPU-aaaaaaaa-0000-0000-0000-000000000000', 'GPU-bbbbbbbb-0000-0000-0000-000000000000'];

let dir: string;
let file: string;
let store: TelemetryStore;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'idlegrid-telemetry-'));
  file = join(dir, 'telemetry.db');
  store = TelemetryStore.open(file);
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** One tick: GPU i reads temperature 40 + i + (seconds since T0 mod 60) / 10, fan always unknown. */
function tick(tMs: number): TelemetrySample[] {
  return GPUS.map((gpuUuid, gpuIndex) => ({
    gpuUuid,
    gpuIndex,
    tMs,
    temperatureC: 40 + gpuIndex + (((tMs - T0) / SECOND) % 60) / 10,
    powerW: 100 * (gpuIndex + 1),
    utilizationPct: gpuIndex === 0 ? 50 : null,
    vramUsedMiB: 1000,
    fanPct: null,
    smClockMHz: 1500,
  }));
}

/** Inserts a tick every `stepMs` in [fromMs, toMs), compacting every `compactEveryMs` like the app does. */
function run(fromMs: number, toMs: number, stepMs = SECOND, compactEveryMs = MINUTE): void {
  let nextCompactMs = fromMs + compactEveryMs;
  for (let t = fromMs; t < toMs; t += stepMs) {
    store.insert(tick(t));
    if (t >= nextCompactMs) {
      store.compact(t);
      nextCompactMs += compactEveryMs;
    }
  }
}

/** Reads a tier directly, through a second connection, as rows ordered by GPU and time. */
function tier(name: 'telemetry_1s' | 'telemetry_1m' | 'telemetry_1h'): Array<Record<string, number | string | null>> {
  const db = new Database(file, { readonly: true });
  try {
    const time = name === 'telemetry_1s' ? 't_ms' : 'bucket_start_ms';
    return db.prepare(`SELECT * FROM ${name} ORDER BY gpu_uuid, ${time}`).all() as Array<Record<string, number | string | null>>;
  } finally {
    db.close();
  }
}

describe('TelemetryStore', () => {
  it('creates its schema once, in WAL mode with synchronous=NORMAL', () => {
    store.close();
    store = TelemetryStore.open(file); // opening again is a no-op migration
    const db = new Database(file, { readonly: true });
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all();
    expect(tables).toEqual(['telemetry_1h', 'telemetry_1m', 'telemetry_1s', 'telemetry_folded']);
    db.close();
    // synchronous is per connection: check the store's own.
    expect((store as unknown as { db: Database.Database }).db.pragma('synchronous', { simple: true })).toBe(1);
  });

  it('returns the recent samples it stored, oldest first, with nulls kept', () => {
    run(T0, T0 + 10 * SECOND);
    const recent = store.recent(3, T0 + 9 * SECOND);
    expect(recent).toHaveLength(6);
    expect(recent.map((s) => [s.tMs - T0, s.gpuIndex])).toEqual([
      [7000, 0],
      [7000, 1],
      [8000, 0],
      [8000, 1],
      [9000, 0],
      [9000, 1],
    ]);
    expect(recent[5]).toEqual(tick(T0 + 9 * SECOND)[1]);
    expect(store.recent(3, T0 - HOUR)).toEqual([]);
  });

  it('stores a repeated tick once', () => {
    store.insert(tick(T0));
    store.insert(tick(T0));
    expect(tier('telemetry_1s')).toHaveLength(2);
  });

  it('folds finished minutes into 1-minute averages', () => {
    run(T0, T0 + 3 * MINUTE + 30 * SECOND, SECOND, HOUR); // no compact while inserting
    store.compact(T0 + 3 * MINUTE + 30 * SECOND);
    const minutes = tier('telemetry_1m');
    // Three finished minutes per GPU; the current one (3:00–3:30) waits until it is finished.
    expect(minutes).toHaveLength(6);
    const gpu0 = minutes.filter((r) => r.gpu_uuid === GPUS[0]);
    expect(gpu0.map((r) => (r.bucket_start_ms as number) - T0)).toEqual([0, MINUTE, 2 * MINUTE]);
    for (const r of gpu0) {
      expect(r.samples).toBe(60);
      expect(r.temperature_c).toBeCloseTo(40 + 2.95, 10); // mean of 0.0 … 5.9
      expect(r.power_w).toBe(100);
      expect(r.utilization_pct).toBe(50);
      expect(r.fan_pct).toBeNull();
    }
    expect(minutes.find((r) => r.gpu_uuid === GPUS[1])!.utilization_pct).toBeNull();
  });

  it('compacting twice changes nothing', () => {
    run(T0, T0 + 2 * HOUR + 5 * MINUTE, 5 * SECOND);
    store.compact(T0 + 2 * HOUR + 5 * MINUTE);
    const before = [tier('telemetry_1s'), tier('telemetry_1m'), tier('telemetry_1h')];
    store.compact(T0 + 2 * HOUR + 5 * MINUTE);
    store.compact(T0 + 2 * HOUR + 5 * MINUTE);
    expect([tier('telemetry_1s'), tier('telemetry_1m'), tier('telemetry_1h')]).toEqual(before);
  });

  it('folds minutes into hours weighted by samples, and keeps raw rows for one hour only', () => {
    const endMs = T0 + 3 * HOUR + 10 * MINUTE;
    run(T0, endMs);
    store.compact(endMs);
    const hours = tier('telemetry_1h').filter((r) => r.gpu_uuid === GPUS[0]);
    expect(hours.map((r) => (r.bucket_start_ms as number) - T0)).toEqual([0, HOUR, 2 * HOUR]);
    for (const r of hours) {
      expect(r.samples).toBe(3600);
      expect(r.temperature_c).toBeCloseTo(42.95, 9);
      expect(r.power_w).toBe(100);
      expect(r.fan_pct).toBeNull();
    }
    // Raw: from the start of the minute an hour ago; minutes: all of them (within 7 days).
    const raw = tier('telemetry_1s');
    expect(Math.min(...raw.map((r) => r.t_ms as number))).toBe(T0 + 2 * HOUR + 10 * MINUTE);
    expect(tier('telemetry_1m')).toHaveLength(2 * (3 * 60 + 10));
  });

  it('weights an hour by the samples behind each minute, not by minutes', () => {
    const at = (tMs: number, temperatureC: number): TelemetrySample[] => [{ ...tick(tMs)[0]!, temperatureC }];
    for (let s = 0; s < 60; s++) store.insert(at(T0 + s * SECOND, 10)); // a full minute at 10 °C
    store.insert(at(T0 + MINUTE, 70)); // one sample at 70 °C, then the app was quit
    store.compact(T0 + HOUR + MINUTE);
    const [hour] = tier('telemetry_1h');
    expect(hour!.samples).toBe(61);
    expect(hour!.temperature_c).toBeCloseTo((60 * 10 + 70) / 61, 10);
  });

  it('does not lose what was not folded when the app was closed for days', () => {
    run(T0, T0 + 30 * MINUTE + 20 * SECOND, SECOND, HOUR); // quit before any compact
    store.compact(T0 + 2 * DAY);
    expect(tier('telemetry_1s')).toEqual([]);
    const minutes = tier('telemetry_1m').filter((r) => r.gpu_uuid === GPUS[0]);
    expect(minutes).toHaveLength(31); // the last, partial minute too
    expect(minutes.at(-1)!.samples).toBe(20);
    const hours = tier('telemetry_1h').filter((r) => r.gpu_uuid === GPUS[0]);
    expect(hours).toHaveLength(1);
    expect(hours[0]!.samples).toBe(30 * 60 + 20);
  });

  it('expires minutes after 7 days and hours after 400 days', () => {
    // A reading every 10 minutes for 9 days, compacted hourly.
    run(T0, T0 + 9 * DAY, 10 * MINUTE, HOUR);
    const nowMs = T0 + 9 * DAY;
    store.compact(nowMs);
    const minutes = tier('telemetry_1m');
    expect(Math.min(...minutes.map((r) => r.bucket_start_ms as number))).toBeGreaterThanOrEqual(nowMs - 7 * DAY - HOUR);
    const hours = tier('telemetry_1h').filter((r) => r.gpu_uuid === GPUS[0]);
    expect(hours[0]!.bucket_start_ms).toBe(T0); // the first day is still there as hours
    expect(hours).toHaveLength(9 * 24); // every finished hour of the 9 days
    store.compact(T0 + 9 * DAY + 399 * DAY);
    expect(tier('telemetry_1h')[0]!.bucket_start_ms).toBe(T0 + 8 * DAY); // hours of the last 400 days stay
    expect(tier('telemetry_1m')).toEqual([]);
    store.compact(T0 + 9 * DAY + 401 * DAY);
    expect(tier('telemetry_1h')).toEqual([]);
    expect(tier('telemetry_1m')).toEqual([]);
  });

  it('draws 1h from raw seconds, per GPU, in columns', () => {
    run(T0, T0 + 2 * HOUR, 10 * SECOND, 10 * MINUTE);
    const nowMs = T0 + 2 * HOUR;
    const series = store.history('1h', nowMs);
    expect(series.map((s) => s.gpuUuid)).toEqual(GPUS);
    const [s0] = series;
    expect(s0!.resolutionMs).toBe(1000);
    expect(Object.keys(s0!.values)).toEqual([...TELEMETRY_METRICS]);
    expect(s0!.tMs[0]).toBeGreaterThanOrEqual(nowMs - HOUR);
    expect(s0!.tMs).toHaveLength(360);
    for (const metric of TELEMETRY_METRICS) expect(s0!.values[metric]).toHaveLength(360);
    expect(s0!.values.powerW.every((v) => v === 100)).toBe(true);
    expect(s0!.values.fanPct.every((v) => v === null)).toBe(true);
    const only = store.history('1h', nowMs, GPUS[1]);
    expect(only.map((s) => s.gpuUuid)).toEqual([GPUS[1]]);
    expect(only[0]!.values.powerW[0]).toBe(200);
    expect(store.history('1h', nowMs, 'GPU-unknown')).toEqual([]);
  });

  it('draws 24h in minutes, the minutes not folded yet included', () => {
    run(T0, T0 + 3 * HOUR, SECOND, 10 * MINUTE);
    const nowMs = T0 + 3 * HOUR;
    // The last compact ran at ~2:50; the minutes since exist only as raw rows.
    const [s0] = store.history('24h', nowMs, GPUS[0]);
    expect(s0!.resolutionMs).toBe(MINUTE);
    expect(s0!.tMs).toHaveLength(180);
    expect(s0!.tMs.slice(0, 2)).toEqual([T0, T0 + MINUTE]);
    expect(s0!.tMs.at(-1)).toBe(T0 + 3 * HOUR - MINUTE);
    expect(new Set(s0!.tMs.slice(1).map((t, i) => t - s0!.tMs[i]!))).toEqual(new Set([MINUTE]));
    for (const v of s0!.values.temperatureC) expect(v).toBeCloseTo(42.95, 9);
    expect(s0!.values.fanPct.every((v) => v === null)).toBe(true);
  });

  it('draws 7d in 10-minute averages', () => {
    run(T0, T0 + 2 * DAY, MINUTE, HOUR);
    const nowMs = T0 + 2 * DAY;
    store.compact(nowMs);
    const series = store.history('7d', nowMs);
    expect(series).toHaveLength(2);
    expect(series[1]!.resolutionMs).toBe(10 * MINUTE);
    expect(series[1]!.tMs).toHaveLength(2 * 24 * 6);
    expect(series[1]!.values.powerW.every((v) => v === 200)).toBe(true);
    expect(series[1]!.values.utilizationPct.every((v) => v === null)).toBe(true);
  });

  it('closes twice without complaint', () => {
    store.close();
    expect(() => store.close()).not.toThrow();
  });
});
