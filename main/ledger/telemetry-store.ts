import type Database from 'better-sqlite3';
import type { TelemetryMetric, TelemetrySample } from '../../common/hardware/gpu';
import { TELEMETRY_METRICS } from '../../common/hardware/gpu';
import type { HistoryRange, TelemetrySeries } from '../../common/hardware/history';
import { HISTORY_RANGE_MS } from '../../common/hardware/history';
import type { Migration } from '../../sqlite/migration';
import { openDatabase } from '../../sqlite/open-database';

const SECOND_MS = 1000;
const MINUTE_MS = 60 * SECOND_MS;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/** How long each tier is kept. Raw 1 Hz rows feed the live views; averages feed history. */
export const TELEMETRY_RETENTION_MS = {
  raw: HOUR_MS,
  minute: 7 * DAY_MS,
  hour: 400 * DAY_MS,
} as const;

/** Column per metric, in TELEMETRY_METRICS order. */
const METRIC_COLUMNS: Record<TelemetryMetric, string> = {
  temperatureC: 'temperature_c',
  powerW: 'power_w',
  utilizationPct: 'utilization_pct',
  vramUsedMiB: 'vram_used_mib',
  fanPct: 'fan_pct',
  smClockMHz: 'sm_clock_mhz',
};
const COLUMNS = TELEMETRY_METRICS.map((m) => METRIC_COLUMNS[m]);

/**
 * Three tiers: `telemetry_1s` (raw), `telemetry_1m` and `telemetry_1h` (averages, with the
 * number of raw samples behind each, so an hour is the sample-weighted mean of its minutes).
 * `telemetry_folded` remembers up to where each coarser tier has been filled, so a tier
 * is never deleted before it was folded, even after the app was closed for days.
 */
export const TELEMETRY_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'telemetry tiers',
    up(db) {
      const metrics = COLUMNS.map((c) => `${c} REAL`).join(', ');
      db.exec(`
        CREATE TABLE telemetry_1s (
          gpu_uuid TEXT NOT NULL, t_ms INTEGER NOT NULL, gpu_index INTEGER NOT NULL, ${metrics},
          PRIMARY KEY (gpu_uuid, t_ms)
        ) WITHOUT ROWID;
        CREATE INDEX telemetry_1s_by_time ON telemetry_1s (t_ms);
        CREATE TABLE telemetry_1m (
          gpu_uuid TEXT NOT NULL, bucket_start_ms INTEGER NOT NULL, gpu_index INTEGER NOT NULL,
          samples INTEGER NOT NULL, ${metrics},
          PRIMARY KEY (gpu_uuid, bucket_start_ms)
        ) WITHOUT ROWID;
        CREATE INDEX telemetry_1m_by_time ON telemetry_1m (bucket_start_ms);
        CREATE TABLE telemetry_1h (
          gpu_uuid TEXT NOT NULL, bucket_start_ms INTEGER NOT NULL, gpu_index INTEGER NOT NULL,
          samples INTEGER NOT NULL, ${metrics},
          PRIMARY KEY (gpu_uuid, bucket_start_ms)
        ) WITHOUT ROWID;
        CREATE INDEX telemetry_1h_by_time ON telemetry_1h (bucket_start_ms);
        CREATE TABLE telemetry_folded (tier TEXT PRIMARY KEY, until_ms INTEGER NOT NULL) WITHOUT ROWID;
      `);
    },
  },
];

/** How each history range is drawn: from which stored tier, at what resolution. */
const HISTORY_PLAN: Record<HistoryRange, { resolutionMs: number }> = {
  // Raw 1 s rows: 3,600 points per GPU.
  '1h': { resolutionMs: SECOND_MS },
  // The 1-minute tier: 1,440 points per GPU.
  '24h': { resolutionMs: MINUTE_MS },
  // The 1-minute tier averaged into 10 minutes: 1,008 points per GPU, enough for a chart
  // and 10× less to send than 1-minute points; the 1-hour tier would show only 168.
  '7d': { resolutionMs: 10 * MINUTE_MS },
};

type Row = [gpuUuid: string, tMs: number, gpuIndex: number, ...values: Array<number | null>];

/**
 * telemetry.db: GPU samples at 1 Hz, downsampled as they age. WAL with
 * `synchronous=NORMAL`: a crash can lose the last second of samples, never corrupt the
 * file, and inserting 8 rows a second costs no fsync each time (money lives in ledger.db).
 */
export class TelemetryStore {
  private readonly insertRaw: Database.Statement;
  private readonly insertBatch: (samples: readonly TelemetrySample[]) => void;
  private readonly recentRows: Database.Statement;
  private readonly rawSeries: { all: Database.Statement; one: Database.Statement };
  private readonly averagedSeries: Map<number, { all: Database.Statement; one: Database.Statement }>;
  private readonly foldMinutes: Database.Statement;
  private readonly foldHours: Database.Statement;
  private readonly readFolded: Database.Statement;
  private readonly writeFolded: Database.Statement;
  private readonly oldestRaw: Database.Statement;
  private readonly oldestMinute: Database.Statement;
  private readonly deleteRaw: Database.Statement;
  private readonly deleteMinutes: Database.Statement;
  private readonly deleteHours: Database.Statement;
  private readonly compactAll: (nowMs: number) => void;
  private closed = false;

  static open(filePath: string): TelemetryStore {
    return new TelemetryStore(openDatabase(filePath, { durability: 'samples', migrations: TELEMETRY_MIGRATIONS }));
  }

  private constructor(private readonly db: Database.Database) {
    const metricList = COLUMNS.join(', ');
    this.insertRaw = db.prepare(
      `INSERT OR REPLACE INTO telemetry_1s (gpu_uuid, t_ms, gpu_index, ${metricList})
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.insertBatch = db.transaction((samples: readonly TelemetrySample[]) => {
      for (const s of samples) {
        this.insertRaw.run(
          s.gpuUuid,
          Math.round(s.tMs),
          s.gpuIndex,
          s.temperatureC,
          s.powerW,
          s.utilizationPct,
          s.vramUsedMiB,
          s.fanPct,
          s.smClockMHz,
        );
      }
    });
    this.recentRows = db
      .prepare(
        `SELECT gpu_uuid, t_ms, gpu_index, ${metricList} FROM telemetry_1s
         WHERE t_ms > @fromMs AND t_ms <= @nowMs ORDER BY t_ms, gpu_index`,
      )
      .raw(true);

    const rawSeriesSql = (filter: string) =>
      `SELECT gpu_uuid, t_ms, gpu_index, ${metricList} FROM telemetry_1s
       WHERE t_ms >= @fromMs AND t_ms <= @nowMs ${filter} ORDER BY gpu_uuid, t_ms`;
    this.rawSeries = {
      all: db.prepare(rawSeriesSql('')).raw(true),
      one: db.prepare(rawSeriesSql('AND gpu_uuid = @gpuUuid')).raw(true),
    };
    this.averagedSeries = new Map();
    for (const { resolutionMs } of Object.values(HISTORY_PLAN)) {
      if (resolutionMs < MINUTE_MS || this.averagedSeries.has(resolutionMs)) continue;
      this.averagedSeries.set(resolutionMs, {
        all: db.prepare(averagedSeriesSql(resolutionMs, '')).raw(true),
        one: db.prepare(averagedSeriesSql(resolutionMs, 'AND gpu_uuid = @gpuUuid')).raw(true),
      });
    }

    // Bucket arithmetic uses the INTEGER columns and integer literals: better-sqlite3 binds
    // JS numbers as REAL, and REAL / 60000 would not floor.
    this.foldMinutes = db.prepare(
      `INSERT OR REPLACE INTO telemetry_1m (gpu_uuid, bucket_start_ms, gpu_index, samples, ${metricList})
       SELECT gpu_uuid, (t_ms / ${MINUTE_MS}) * ${MINUTE_MS} AS bucket, MAX(gpu_index), COUNT(*),
              ${COLUMNS.map((c) => `AVG(${c})`).join(', ')}
       FROM telemetry_1s WHERE t_ms >= @fromMs AND t_ms < @toMs
       GROUP BY gpu_uuid, bucket`,
    );
    this.foldHours = db.prepare(
      `INSERT OR REPLACE INTO telemetry_1h (gpu_uuid, bucket_start_ms, gpu_index, samples, ${metricList})
       SELECT gpu_uuid, (bucket_start_ms / ${HOUR_MS}) * ${HOUR_MS} AS bucket, MAX(gpu_index), SUM(samples),
              ${COLUMNS.map((c) => weightedMean(c)).join(', ')}
       FROM telemetry_1m WHERE bucket_start_ms >= @fromMs AND bucket_start_ms < @toMs
       GROUP BY gpu_uuid, bucket`,
    );
    this.readFolded = db.prepare('SELECT until_ms FROM telemetry_folded WHERE tier = ?').pluck(true);
    this.writeFolded = db.prepare('INSERT OR REPLACE INTO telemetry_folded (tier, until_ms) VALUES (?, ?)');
    this.oldestRaw = db.prepare('SELECT MIN(t_ms) FROM telemetry_1s').pluck(true);
    this.oldestMinute = db.prepare('SELECT MIN(bucket_start_ms) FROM telemetry_1m').pluck(true);
    this.deleteRaw = db.prepare('DELETE FROM telemetry_1s WHERE t_ms < ?');
    this.deleteMinutes = db.prepare('DELETE FROM telemetry_1m WHERE bucket_start_ms < ?');
    this.deleteHours = db.prepare('DELETE FROM telemetry_1h WHERE bucket_start_ms < ?');
    this.compactAll = db.transaction((nowMs: number) => this.compactInTransaction(nowMs));
  }

  /** Stores one batch (a tick of every GPU) in one transaction. */
  insert(samples: TelemetrySample[]): void {
    if (samples.length > 0) this.insertBatch(samples);
  }

  /** Raw samples of the last `seconds`, oldest first, GPUs in index order within a tick. */
  recent(seconds: number, nowMs: number): TelemetrySample[] {
    const rows = this.recentRows.all({ fromMs: nowMs - seconds * SECOND_MS, nowMs }) as Row[];
    return rows.map((r) => ({
      gpuUuid: r[0],
      tMs: r[1],
      gpuIndex: r[2],
      temperatureC: r[3] ?? null,
      powerW: r[4] ?? null,
      utilizationPct: r[5] ?? null,
      vramUsedMiB: r[6] ?? null,
      fanPct: r[7] ?? null,
      smClockMHz: r[8] ?? null,
    }));
  }

  /**
   * One series per GPU (in GPU index order), in columns. '1h' is raw 1 s samples; '24h'
   * is 1-minute and '7d' 10-minute averages of the 1-minute tier. Minutes not folded yet
   * (the last one or two, until the next compact) are averaged from the raw rows on the
   * fly, so the right edge of a chart is never stale.
   */
  history(range: HistoryRange, nowMs: number, gpuUuid?: string): TelemetrySeries[] {
    const { resolutionMs } = HISTORY_PLAN[range];
    const fromMs = nowMs - HISTORY_RANGE_MS[range];
    let rows: Row[];
    if (resolutionMs === SECOND_MS) {
      const statement = gpuUuid === undefined ? this.rawSeries.all : this.rawSeries.one;
      rows = statement.all({ fromMs, nowMs, gpuUuid }) as Row[];
    } else {
      const statements = this.averagedSeries.get(resolutionMs)!;
      const statement = gpuUuid === undefined ? statements.all : statements.one;
      const splitMs = this.foldedUntil('minute') ?? 0;
      rows = statement.all({ fromMs: floorTo(fromMs, resolutionMs), splitMs, nowMs, gpuUuid }) as Row[];
    }
    return toSeries(rows, resolutionMs);
  }

  /**
   * Folds finished minutes into the 1-minute tier and finished hours into the 1-hour tier,
   * then deletes what has expired. Idempotent: buckets are recomputed from the finer tier
   * and written with INSERT OR REPLACE, so running it twice changes nothing, and a tier is
   * only deleted up to where it has been folded.
   */
  compact(nowMs: number): void {
    this.compactAll(nowMs);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.db.close();
  }

  private compactInTransaction(nowMs: number): void {
    const minuteNow = floorTo(nowMs, MINUTE_MS);
    const hourNow = floorTo(nowMs, HOUR_MS);

    // A few minutes are recomputed each time, so a sample that came in late still counts.
    const minuteFrom = Math.min(this.foldedUntil('minute') ?? this.oldest(this.oldestRaw, MINUTE_MS, minuteNow), minuteNow - 5 * MINUTE_MS);
    this.foldMinutes.run({ fromMs: minuteFrom, toMs: minuteNow });
    this.writeFolded.run('minute', minuteNow);

    const hourFrom = Math.min(this.foldedUntil('hour') ?? this.oldest(this.oldestMinute, HOUR_MS, hourNow), hourNow - HOUR_MS);
    this.foldHours.run({ fromMs: hourFrom, toMs: hourNow });
    this.writeFolded.run('hour', hourNow);

    // Cut at bucket boundaries, so a bucket is either whole or gone, never half recomputed.
    this.deleteRaw.run(Math.min(floorTo(nowMs - TELEMETRY_RETENTION_MS.raw, MINUTE_MS), minuteNow));
    this.deleteMinutes.run(Math.min(floorTo(nowMs - TELEMETRY_RETENTION_MS.minute, HOUR_MS), hourNow));
    this.deleteHours.run(floorTo(nowMs - TELEMETRY_RETENTION_MS.hour, HOUR_MS));
  }

  private foldedUntil(tier: 'minute' | 'hour'): number | null {
    const value = this.readFolded.get(tier) as number | undefined;
    return value ?? null;
  }

  /** Start of the bucket holding the oldest row, or `fallbackMs` when the tier is empty. */
  private oldest(statement: Database.Statement, bucketMs: number, fallbackMs: number): number {
    const value = statement.get() as number | null;
    return value === null ? fallbackMs : floorTo(value, bucketMs);
  }
}

/**
 * Buckets of `bucketMs` for one GPU or all: folded minutes from the 1-minute tier, and
 * raw rows from where folding stopped (`splitMs`). Each part contributes sums and counts,
 * so a bucket that straddles the split is still one sample-weighted mean.
 */
function averagedSeriesSql(bucketMs: number, filter: string): string {
  const fromMinutes = COLUMNS.map(
    (c) => `${c} * samples AS ${c}_sum, CASE WHEN ${c} IS NOT NULL THEN samples END AS ${c}_n`,
  ).join(', ');
  const fromRaw = COLUMNS.map((c) => `${c} AS ${c}_sum, CASE WHEN ${c} IS NOT NULL THEN 1 END AS ${c}_n`).join(', ');
  const means = COLUMNS.map((c) => `SUM(${c}_sum) / SUM(${c}_n)`).join(', ');
  return `SELECT gpu_uuid, bucket, MAX(gpu_index), ${means} FROM (
      SELECT gpu_uuid, (bucket_start_ms / ${bucketMs}) * ${bucketMs} AS bucket, gpu_index, ${fromMinutes}
      FROM telemetry_1m WHERE bucket_start_ms >= @fromMs AND bucket_start_ms < @splitMs ${filter}
      UNION ALL
      SELECT gpu_uuid, (t_ms / ${bucketMs}) * ${bucketMs} AS bucket, gpu_index, ${fromRaw}
      FROM telemetry_1s WHERE t_ms >= @fromMs AND t_ms >= @splitMs AND t_ms <= @nowMs ${filter}
    ) GROUP BY gpu_uuid, bucket ORDER BY gpu_uuid, bucket`;
}

/** Mean of minute averages weighted by how many raw samples each stands for. */
function weightedMean(column: string): string {
  return `SUM(${column} * samples) / SUM(CASE WHEN ${column} IS NOT NULL THEN samples END)`;
}

function toSeries(rows: readonly Row[], resolutionMs: number): TelemetrySeries[] {
  const byGpu = new Map<string, { series: TelemetrySeries; gpuIndex: number }>();
  for (const row of rows) {
    const [gpuUuid, tMs, gpuIndex] = row;
    let entry = byGpu.get(gpuUuid);
    if (!entry) {
      const values = Object.fromEntries(TELEMETRY_METRICS.map((m) => [m, [] as Array<number | null>])) as Record<
        TelemetryMetric,
        Array<number | null>
      >;
      entry = { series: { gpuUuid, resolutionMs, tMs: [], values }, gpuIndex };
      byGpu.set(gpuUuid, entry);
    }
    const { values } = entry.series;
    entry.series.tMs.push(tMs);
    for (let i = 0; i < TELEMETRY_METRICS.length; i++) values[TELEMETRY_METRICS[i]!].push((row[3 + i] as number | null | undefined) ?? null);
  }
  return [...byGpu.values()].sort((a, b) => a.gpuIndex - b.gpuIndex).map((e) => e.series);
}

function floorTo(ms: number, bucketMs: number): number {
  return Math.floor(ms / bucketMs) * bucketMs;
}
