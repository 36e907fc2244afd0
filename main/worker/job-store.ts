import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { Job, JobEndReason, JobPort, JobState, JobTransition } from '../../common/worker/job';
import { TERMINAL_JOB_STATES } from '../../common/worker/job';
import type { JobSpec } from '../../common/worker/job-spec';
import { jobSpecSchema } from '../../common/worker/job-spec';

interface JobRow {
  id: string;
  lease_id: string;
  image: string;
  spec_json: string;
  is_test: number;
  state: JobState;
  end_reason: JobEndReason | null;
  exit_code: number | null;
  message: string | null;
  container_id: string | null;
  ports_json: string;
  created_at_ms: number;
  started_at_ms: number | null;
  ended_at_ms: number | null;
  deadline_at_ms: number;
  updated_at_ms: number;
}

export interface JobRecord {
  job: Job;
  spec: JobSpec;
}

/** What a state change may set besides the state; unset fields keep their value. */
export interface JobChange {
  state: JobState;
  endReason?: JobEndReason | null;
  exitCode?: number | null;
  message?: string | null;
  containerId?: string | null;
  ports?: JobPort[];
  startedAtMs?: number | null;
  endedAtMs?: number | null;
}

const TERMINAL_SQL = TERMINAL_JOB_STATES.map((s) => `'${s}'`).join(', ');

/**
 * The jobs table (migration 002). Every state change updates the job's row and adds a
 * transition row in the same transaction: with `synchronous=FULL`, once a call
 * returns, the change survives a crash or a power cut.
 */
export class JobStore {
  private readonly selectOne: Database.Statement<[string], JobRow>;

  constructor(
    private readonly db: Database.Database,
    private readonly nowMs: () => number,
  ) {
    this.selectOne = db.prepare('SELECT * FROM jobs WHERE id = ?');
  }

  /** This install's worker id, made on first use and kept in ledger.db. */
  workerId(): string {
    const existing = this.db.prepare('SELECT worker_id FROM worker_identity WHERE id = 1').pluck().get() as
      | string
      | undefined;
    if (existing) return existing;
    this.db
      .prepare('INSERT OR IGNORE INTO worker_identity (id, worker_id, created_at_ms) VALUES (1, ?, ?)')
      .run(randomUUID().replace(/-/g, ''), this.nowMs());
    return this.db.prepare('SELECT worker_id FROM worker_identity WHERE id = 1').pluck().get() as string;
  }

  /** Records a new job as queued; null when a job with this id exists (a job is never run twice). */
  insert(spec: JobSpec, options: { isTest: boolean }): Job | null {
    const atMs = this.nowMs();
    const inserted = this.db.transaction(() => {
      const result = this.db
        .prepare(
          `INSERT OR IGNORE INTO jobs (id, lease_id, image, spec_json, is_test, state, created_at_ms, deadline_at_ms, updated_at_ms)
           VALUES (?, ?, ?, ?, ?, 'queued', ?, ?, ?)`,
        )
        .run(spec.jobId, spec.leaseId, spec.image, JSON.stringify(spec), options.isTest ? 1 : 0, atMs, atMs + spec.maxDurationMs, atMs);
      if (result.changes === 0) return false;
      this.addTransition(spec.jobId, atMs, { state: 'queued' });
      return true;
    })();
    return inserted ? this.get(spec.jobId)!.job : null;
  }

  get(jobId: string): JobRecord | null {
    const row = this.selectOne.get(jobId);
    return row ? toRecord(row) : null;
  }

  /** Moves a job to a new state and records the transition. */
  transition(jobId: string, change: JobChange): Job {
    const atMs = this.nowMs();
    this.db.transaction(() => {
      const sets: string[] = ['state = @state', 'updated_at_ms = @atMs'];
      const params: Record<string, unknown> = { id: jobId, state: change.state, atMs };
      const optional: Array<[keyof JobChange, string, (v: unknown) => unknown]> = [
        ['endReason', 'end_reason', (v) => v],
        ['exitCode', 'exit_code', (v) => v],
        ['message', 'message', (v) => v],
        ['containerId', 'container_id', (v) => v],
        ['ports', 'ports_json', (v) => JSON.stringify(v)],
        ['startedAtMs', 'started_at_ms', (v) => v],
        ['endedAtMs', 'ended_at_ms', (v) => v],
      ];
      for (const [key, column, encode] of optional) {
        if (change[key] === undefined) continue;
        sets.push(`${column} = @${column}`);
        params[column] = encode(change[key]);
      }
      const result = this.db.prepare(`UPDATE jobs SET ${sets.join(', ')} WHERE id = @id`).run(params);
      if (result.changes === 0) throw new Error(`No job ${jobId} in the jobs table`);
      this.addTransition(jobId, atMs, change);
    })();
    return this.get(jobId)!.job;
  }

  /** Records the job's container id as soon as Docker made it, so a crash right after still finds it. */
  attachContainer(jobId: string, containerId: string): void {
    this.db.prepare('UPDATE jobs SET container_id = ?, updated_at_ms = ? WHERE id = ?').run(containerId, this.nowMs(), jobId);
  }

  /** Jobs not yet in a terminal state: the ones the worker must account for at start. */
  active(): JobRecord[] {
    return this.db
      .prepare<[], JobRow>(`SELECT * FROM jobs WHERE state NOT IN (${TERMINAL_SQL}) ORDER BY created_at_ms`)
      .all()
      .map(toRecord);
  }

  /** Every active job and the newest ended ones, newest first. */
  list(limit: number): Job[] {
    return this.db
      .prepare<[number], JobRow>(
        `SELECT * FROM jobs WHERE state NOT IN (${TERMINAL_SQL})
         UNION
         SELECT * FROM (SELECT * FROM jobs ORDER BY created_at_ms DESC, rowid DESC LIMIT ?)
         ORDER BY created_at_ms DESC`,
      )
      .all(limit)
      .map((row) => toRecord(row).job);
  }

  history(jobId: string): JobTransition[] {
    return this.db
      .prepare<[string], { job_id: string; at_ms: number; state: JobState; exit_code: number | null; reason: JobEndReason | null; message: string | null }>(
        'SELECT job_id, at_ms, state, exit_code, reason, message FROM job_transitions WHERE job_id = ? ORDER BY seq',
      )
      .all(jobId)
      .map((r) => ({ jobId: r.job_id, atMs: r.at_ms, state: r.state, exitCode: r.exit_code, reason: r.reason, message: r.message }));
  }

  private addTransition(jobId: string, atMs: number, change: JobChange): void {
    this.db
      .prepare('INSERT INTO job_transitions (job_id, at_ms, state, exit_code, reason, message) VALUES (?, ?, ?, ?, ?, ?)')
      .run(jobId, atMs, change.state, change.exitCode ?? null, change.endReason ?? null, change.message ?? null);
  }
}

function toRecord(row: JobRow): JobRecord {
  const spec = jobSpecSchema.parse(JSON.parse(row.spec_json));
  return {
    spec,
    job: {
      id: row.id,
      leaseId: row.lease_id,
      image: row.image,
      gpuUuids: spec.gpuUuids,
      state: row.state,
      endReason: row.end_reason,
      exitCode: row.exit_code,
      message: row.message,
      containerId: row.container_id,
      ports: JSON.parse(row.ports_json) as JobPort[],
      isTest: row.is_test === 1,
      createdAtMs: row.created_at_ms,
      startedAtMs: row.started_at_ms,
      endedAtMs: row.ended_at_ms,
      deadlineAtMs: row.deadline_at_ms,
      updatedAtMs: row.updated_at_ms,
    },
  };
}
