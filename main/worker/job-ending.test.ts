import { describe, expect, it } from 'vitest';
import { jobSpecSchema } from '../../common/worker/job-spec';
import type { ContainerDetails } from './container-engine';
import { EngineError } from './container-engine';
import { endingBeforeStart, endingOf } from './job-ending';

const spec = jobSpecSchema.parse({ jobId: 'j', leaseId: 'l', image: 'reg.example/a:1', cpuCores: 1, memoryLimitMb: 512, scratchSizeMb: 1, maxDurationMs: 60_000 });

function container(state: Partial<ContainerDetails['state']>): ContainerDetails {
  return {
    id: 'c',
    name: 'n',
    labels: {},
    state: { status: 'exited', running: false, paused: false, oomKilled: false, exitCode: 0, error: '', startedAtMs: 1, finishedAtMs: 2, ...state },
    ports: {},
    raw: null,
  };
}

describe('how a job ended', () => {
  it('tells success, failure, OOM and a stop apart, with the exit code', () => {
    expect(endingOf(spec, container({ exitCode: 0 }), 'exited', null)).toMatchObject({ state: 'succeeded', exitCode: 0 });
    expect(endingOf(spec, container({ exitCode: 143 }), 'exited', null)).toEqual({
      state: 'failed',
      endReason: 'exited',
      exitCode: 143,
      message: "The job's process exited with code 143 (terminated: SIGTERM).",
    });
    expect(endingOf(spec, container({ exitCode: 137, oomKilled: true }), 'exited', null)).toMatchObject({
      state: 'failed',
      endReason: 'oom-killed',
      message: 'The job ran out of memory (its limit is 512 MB) and was killed.',
    });
    // A stop wins over how the process answered it.
    expect(endingOf(spec, container({ exitCode: 137 }), 'exited', 'lease-ended')).toMatchObject({ state: 'stopped', endReason: 'lease-ended', exitCode: 137 });
  });

  it('never calls a container that never started a success', () => {
    expect(endingOf(spec, container({ status: 'created', startedAtMs: null }), 'worker-restarted', null)).toMatchObject({ state: 'interrupted', exitCode: null });
    expect(endingOf(spec, null, 'worker-restarted', null)).toMatchObject({ state: 'interrupted', endReason: 'worker-restarted' });
    expect(endingOf(spec, container({ exitCode: 143 }), 'engine-restarted', null)).toMatchObject({ state: 'interrupted', endReason: 'engine-restarted' });
  });

  it('blames the pull or the start, in plain words', () => {
    const notFound = new EngineError('manifest for reg.example/a:1 not found: manifest unknown', 404);
    expect(endingBeforeStart(spec, notFound, { stopRequest: null, phase: 'pull', endpoint: 'e' })).toMatchObject({ endReason: 'pull-failed', message: expect.stringMatching(/does not exist in reg\.example/) });
    const noToolkit = new EngineError('could not select device driver "nvidia" with capabilities: [[gpu]]', 500);
    expect(endingBeforeStart(spec, noToolkit, { stopRequest: null, phase: 'start', endpoint: 'e' })).toMatchObject({ endReason: 'start-failed', message: expect.stringMatching(/NVIDIA Container Toolkit/) });
    expect(endingBeforeStart(spec, new Error('aborted'), { stopRequest: 'owner-stopped', phase: 'pull', endpoint: 'e' })).toMatchObject({ state: 'stopped' });
  });
});
