import { describe, expect, it } from 'vitest';
import type { Job } from '../../common/worker/job';
import type { JobSpec } from '../../common/worker/job-spec';
import { JobWaiters, activeJob } from './active-job';

const spec = { jobId: 'j1', leaseId: 'L1' } as JobSpec;
const job = (id: string, state: Job['state']) => ({ id, state }) as Job;

describe('activeJob', () => {
  it('is in the pull phase until it has a container, and watched from the start', () => {
    expect(activeJob(spec, null)).toMatchObject({ phase: 'pull', watching: true, stopRequest: null, engineLost: false });
    expect(activeJob(spec, 'c1')).toMatchObject({ phase: 'start', containerId: 'c1' });
    expect(activeJob(spec, null).abort).not.toBe(activeJob(spec, null).abort);
  });
});

describe('JobWaiters', () => {
  it('resolves a waiter once, and only for its own job when its check holds', async () => {
    const waiters = new JobWaiters();
    let resolved = 0;
    const ended = waiters.wait('j1', (j) => j.state === 'succeeded').then((j) => {
      resolved += 1;
      return j;
    });
    waiters.notify(job('j2', 'succeeded'));
    waiters.notify(job('j1', 'running'));
    await Promise.resolve();
    expect(resolved).toBe(0);
    waiters.notify(job('j1', 'succeeded'));
    waiters.notify(job('j1', 'succeeded'));
    expect((await ended).id).toBe('j1');
    expect(resolved).toBe(1);
  });
});
