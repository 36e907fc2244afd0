import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import type { TelemetryStatus } from '../../../common/hardware/detection';
import type { TelemetrySample } from '../../../common/hardware/gpu';
import { silentLogger } from '../../../common/logger';
import { replayEnv, type ReplayKnobs } from '../nvidia-smi-replay';
import { TelemetrySampler, type TelemetrySamplerDeps, type TelemetryStream } from '../telemetry-sampler';

/** One test's sampler against a vendor tool's replay, with what it announced. */
export interface SamplerRun {
  /** A temp dir of the test's own (removed after it). */
  readonly dir: string;
  /** Where the replay writes a line per tool start: `<startedAtMs> <pid>`. */
  readonly spawnLog: string;
  readonly batches: TelemetrySample[][];
  readonly statuses: TelemetryStatus[];
  /** Starts a sampler on the stream with the replay's knobs; stopped after the test. */
  start(knobs?: ReplayKnobs, deps?: Partial<TelemetrySamplerDeps>): TelemetrySampler;
  /** The replay's spawn log: [startedAtMs, pid] per tool start. */
  spawns(): Array<[number, number]>;
}

/**
 * The set-up every sampler test repeats (NVIDIA's and AMD's): registers a fresh temp dir and
 * empty batches before each test, and stops the sampler and removes the dir after it.
 */
export function samplerRun(dirPrefix: string, stream: TelemetryStream): SamplerRun {
  let dir = '';
  let sampler: TelemetrySampler | null = null;
  let batches: TelemetrySample[][] = [];
  let statuses: TelemetryStatus[] = [];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), dirPrefix));
    sampler = null;
    batches = [];
    statuses = [];
  });
  afterEach(async () => {
    await sampler?.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  const spawnLog = () => join(dir, 'spawns.log');
  return {
    get dir() {
      return dir;
    },
    get spawnLog() {
      return spawnLog();
    },
    get batches() {
      return batches;
    },
    get statuses() {
      return statuses;
    },
    start(knobs = {}, deps = {}) {
      const started = new TelemetrySampler({
        stream,
        logger: silentLogger,
        nowMs: Date.now,
        onSamples: (s) => batches.push(s),
        onStatus: (s) => statuses.push(s),
        env: replayEnv({ IDLEGRID_REPLAY_SPAWN_LOG: spawnLog(), ...knobs }),
        ...deps,
      });
      sampler = started;
      started.start();
      return started;
    },
    spawns() {
      if (!existsSync(spawnLog())) return [];
      return readFileSync(spawnLog(), 'utf8')
        .trim()
        .split('\n')
        .map((l) => l.split(' '))
        .map(([t, pid]) => [Number(t), Number(pid)] as [number, number]);
    },
  };
}

/** Polls `condition` every 25 ms until it holds, or fails after `timeoutMs`. */
export async function until(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
