import { describe, expect, it } from 'vitest';
import type { Job, JobEndReason, JobState } from '../../../common/worker/job';
import { jobReport } from './job-report';

const job = (state: JobState, over: Partial<Job> = {}): Job => ({
  id: 'j1', leaseId: 'L1', image: 'busybox:1', gpuUuids: ['GPU-a'], state, endReason: null, exitCode: null, message: null, containerId: null,
  ports: [], isTest: false, createdAtMs: 0, startedAtMs: null, endedAtMs: null, deadlineAtMs: 1, updatedAtMs: 0, ...over,
});

describe('jobReport', () => {
  it('reports starting states as pulling and running ones (paused included) as running', () => {
    for (const state of ['queued', 'pulling', 'creating'] as const) expect(jobReport(job(state))).toEqual({ state: 'pulling', extra: {} });
    for (const state of ['running', 'paused'] as const) expect(jobReport(job(state))).toEqual({ state: 'running', extra: {} });
  });

  it('tells the hub nothing while a job is stopping', () => {
    expect(jobReport(job('stopping'))).toBeNull();
  });

  it('blames the job only for its own failures, and this machine for everything else', () => {
    const failed = (endReason: JobEndReason) => jobReport(job('failed', { endReason, exitCode: 3 }))?.extra.cause;
    expect(failed('exited')).toBe('job');
    expect(failed('oom-killed')).toBe('job');
    expect(failed('pull-failed')).toBe('job');
    expect(failed('start-failed')).toBe('supplier');
    expect(failed('engine-restarted')).toBe('supplier');
    expect(jobReport(job('interrupted'))).toEqual({ state: 'failed', extra: { cause: 'supplier' } });
  });

  it('reports a stop by the owner as the supplier\'s failure, any other stop as an exit', () => {
    expect(jobReport(job('stopped', { endReason: 'owner-stopped' }))).toEqual({ state: 'failed', extra: { cause: 'supplier' } });
    expect(jobReport(job('stopped', { endReason: 'lease-ended' }))).toEqual({ state: 'exited', extra: {} });
    expect(jobReport(job('succeeded', { exitCode: 0 }))).toEqual({ state: 'exited', extra: { exitCode: 0 } });
  });

  it('carries the exit code (0 too) and cuts the message to the hub\'s 1024 characters', () => {
    const report = jobReport(job('failed', { endReason: 'exited', exitCode: 0, message: 'x'.repeat(3000) }))!;
    expect(report.extra.exitCode).toBe(0);
    expect(report.extra.message).toHaveLength(1024);
    // An empty message is left out rather than sent empty.
    expect(jobReport(job('running', { message: '' }))!.extra).not.toHaveProperty('message');
  });
});
