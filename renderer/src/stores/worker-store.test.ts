import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../common/api/errors';
import type { DoctorReport } from '../../../common/worker/doctor';
import type { EngineStatus, Job, JobLogLine } from '../../../common/worker/job';
import { MAX_LOG_LINES, appendLines, createWorkerStore } from './worker-store';
import { ScriptedApiClient, settle } from './scripted-api-client';

const engine: EngineStatus = { state: 'connected', message: 'Docker 24.0.7', endpoint: 'unix:///var/run/docker.sock', version: '24.0.7', retryAtMs: null };

function job(id: string, over: Partial<Job> = {}): Job {
  return {
    id,
    leaseId: `lease-${id}`,
    image: 'busybox:1.36.1',
    gpuUuids: [],
    state: 'running',
    endReason: null,
    exitCode: null,
    message: null,
    containerId: 'c',
    ports: [],
    isTest: false,
    createdAtMs: 1,
    startedAtMs: 2,
    endedAtMs: null,
    deadlineAtMs: 100,
    updatedAtMs: 2,
    ...over,
  };
}

const report: DoctorReport = {
  checkedAtMs: 5,
  ready: true,
  checks: [{ id: 'docker', title: 'Docker', status: 'ok', summary: 'Docker 24.0.7 is running.', fix: null, detail: null }],
};

function line(seq: number, text = `line ${seq}`): JobLogLine {
  return { seq, stream: 'stdout', atMs: seq, text };
}

function client(over: { doctor?: DoctorReport | null; jobs?: Job[] } = {}) {
  return new ScriptedApiClient()
    .answer('worker:engine', () => engine)
    .answer('worker:jobs', () => over.jobs ?? [])
    .answer('worker:last-doctor', () => (over.doctor === undefined ? report : over.doctor))
    .answer('worker:doctor', () => report);
}

describe('worker store', () => {
  it('loads engine, jobs and the last doctor report, and runs the doctor on a first visit', async () => {
    const api = client({ doctor: null, jobs: [job('a')] });
    const store = createWorkerStore(api);
    store.getState().start();
    await settle();
    await settle();
    expect(store.getState().engine).toEqual(engine);
    expect(store.getState().jobs.map((j) => j.id)).toEqual(['a']);
    expect(api.callsOf('worker:doctor')).toHaveLength(1);
    expect(store.getState().doctor).toEqual(report);
  });

  it('keeps jobs fresh from events, newest first, and never lets an older state win', async () => {
    const api = client({ jobs: [job('a', { createdAtMs: 1 })] });
    const store = createWorkerStore(api);
    store.getState().start();
    await settle();
    api.emit('worker:job-changed', job('b', { state: 'queued', createdAtMs: 5, updatedAtMs: 5 }));
    expect(store.getState().jobs.map((j) => j.id)).toEqual(['b', 'a']);
    api.emit('worker:job-changed', job('b', { state: 'running', createdAtMs: 5, updatedAtMs: 7 }));
    api.emit('worker:job-changed', job('b', { state: 'creating', createdAtMs: 5, updatedAtMs: 6 }));
    expect(store.getState().jobs[0]!.state).toBe('running');
  });

  it('follows one job\'s output: what main buffered, then live batches, without repeats, bounded', async () => {
    const api = client().answer('worker:job-logs', ({ jobId }) => ({ jobId, lines: [line(1), line(2)], droppedLines: 7 }));
    const store = createWorkerStore(api);
    store.getState().start();
    await settle();
    await store.getState().follow('a');
    expect(store.getState().followed).toMatchObject({ jobId: 'a', droppedLines: 7, loading: false });
    api.emit('worker:job-log', { jobId: 'a', lines: [line(2), line(3)] });
    api.emit('worker:job-log', { jobId: 'other', lines: [line(9)] });
    expect(store.getState().followed!.lines.map((l) => l.seq)).toEqual([1, 2, 3]);

    const many = Array.from({ length: MAX_LOG_LINES + 500 }, (_, i) => line(i + 4));
    api.emit('worker:job-log', { jobId: 'a', lines: many });
    const lines = store.getState().followed!.lines;
    expect(lines).toHaveLength(MAX_LOG_LINES);
    expect(lines[lines.length - 1]!.seq).toBe(MAX_LOG_LINES + 503);
  });

  it('shows pull progress while pulling and drops it when the job moves on', async () => {
    const api = client();
    const store = createWorkerStore(api);
    store.getState().start();
    await settle();
    api.emit('worker:job-changed', job('p', { state: 'pulling' }));
    api.emit('worker:pull-progress', { jobId: 'p', image: 'x', phase: 'downloading', layersTotal: 2, layersDone: 1, bytesDone: 10, bytesTotal: 40 });
    expect(store.getState().pulls.p?.bytesDone).toBe(10);
    api.emit('worker:job-changed', job('p', { state: 'running', updatedAtMs: 9 }));
    expect(store.getState().pulls.p).toBeUndefined();
  });

  it('stops a job for the owner and shows the message when it cannot', async () => {
    const api = client()
      .answer('worker:stop-job', ({ jobId }) => job(jobId, { state: 'stopped', endReason: 'owner-stopped', updatedAtMs: 10 }));
    const store = createWorkerStore(api);
    store.getState().start();
    await settle();
    api.emit('worker:job-changed', job('s'));
    const stopping = store.getState().stopJob('s');
    expect(store.getState().stopping.s).toBe(true);
    await stopping;
    expect(store.getState().stopping.s).toBeUndefined();
    expect(store.getState().jobs.find((j) => j.id === 's')?.state).toBe('stopped');

    api.answer('worker:stop-job', () => {
      throw new ApiError('unavailable', 'Docker is not reachable right now, so the job cannot be stopped.');
    });
    await store.getState().stopJob('s');
    expect(store.getState().error).toBe('Docker is not reachable right now, so the job cannot be stopped.');
  });

  it('runs the test job once at a time and keeps its result', async () => {
    let finish: () => void = () => {};
    const api = client().answer(
      'worker:run-test-job',
      () =>
        new Promise((resolve) => {
          finish = () => resolve({ ok: true, job: job('t', { state: 'succeeded', isTest: true }), finding: null, output: ['hello'] });
        }),
    );
    const store = createWorkerStore(api);
    const run = store.getState().runTestJob();
    void store.getState().runTestJob();
    expect(store.getState().testJob.running).toBe(true);
    finish();
    await run;
    expect(store.getState().testJob).toMatchObject({ running: false, result: { ok: true, output: ['hello'] } });
    expect(api.callsOf('worker:run-test-job')).toHaveLength(1);
  });
});

describe('appendLines', () => {
  it('adds only lines newer than the last one held', () => {
    expect(appendLines([line(1), line(2)], [line(1), line(2), line(3)]).map((l) => l.seq)).toEqual([1, 2, 3]);
    expect(appendLines([], [line(5)]).map((l) => l.seq)).toEqual([5]);
  });
});
