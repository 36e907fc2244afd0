import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { jobSpecSchema } from '../../common/worker/job-spec';
import { openLedgerDb } from '../ledger/ledger-db';
import { JobStore } from './job-store';

const spec = (jobId: string) =>
  jobSpecSchema.parse({ jobId, leaseId: 'lease-1', image: 'busybox:1', cpuCores: 1, memoryLimitMb: 64, scratchSizeMb: 10, maxDurationMs: 60_000 });

describe('JobStore', () => {
  let dir: string;
  let db: Database.Database;
  let now = 1_000;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'idlegrid-jobstore-'));
    db = openLedgerDb(join(dir, 'ledger.db'));
    now = 1_000;
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps one worker id per ledger', () => {
    const store = new JobStore(db, () => now);
    const id = store.workerId();
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    expect(new JobStore(db, () => now).workerId()).toBe(id);
  });

  it('records every transition with its time and exit code, and never accepts a job id twice', () => {
    const store = new JobStore(db, () => now);
    expect(store.insert(spec('a'), { isTest: false })).toMatchObject({ state: 'queued', deadlineAtMs: 61_000 });
    expect(store.insert(spec('a'), { isTest: false })).toBeNull();
    now = 2_000;
    store.transition('a', { state: 'running', startedAtMs: 2_000 });
    store.attachContainer('a', 'c1');
    now = 3_000;
    const ended = store.transition('a', { state: 'failed', endReason: 'oom-killed', exitCode: 137, message: 'out of memory', endedAtMs: 3_000 });
    expect(ended).toMatchObject({ state: 'failed', exitCode: 137, containerId: 'c1', startedAtMs: 2_000, endedAtMs: 3_000 });
    expect(store.history('a')).toEqual([
      { jobId: 'a', atMs: 1_000, state: 'queued', exitCode: null, reason: null, message: null },
      { jobId: 'a', atMs: 2_000, state: 'running', exitCode: null, reason: null, message: null },
      { jobId: 'a', atMs: 3_000, state: 'failed', exitCode: 137, reason: 'oom-killed', message: 'out of memory' },
    ]);
    expect(store.active()).toEqual([]);
  });

  it('lists active jobs and the newest ended ones', () => {
    const store = new JobStore(db, () => now);
    for (const id of ['old1', 'old2', 'old3']) {
      now += 1;
      store.insert(spec(id), { isTest: false });
      store.transition(id, { state: 'succeeded' });
    }
    now += 1;
    store.insert(spec('live'), { isTest: false });
    expect(store.list(2).map((j) => j.id)).toEqual(['live', 'old3']);
    expect(store.active().map((r) => r.job.id)).toEqual(['live']);
  });
});
