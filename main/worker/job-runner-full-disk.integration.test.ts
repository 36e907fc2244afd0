import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeWithDocker, leftovers, startTestWorker, testSpec, untilRunning } from './test-support/docker-test-support';
import type { TestWorker } from './test-support/docker-test-support';
import { mountSmallDisk, smallDiskSkipReason } from './test-support/full-disk';
import type { SmallDisk } from './test-support/full-disk';

const skip = smallDiskSkipReason();
if (skip) console.warn(`[skip] a job on a full data disk: ${skip}`);

// Issue 19, item 2: a job ending while ledger.db cannot be written (SQLITE_FULL) used to
// reject the runner's background promise unhandled, which ends the app. The vitest
// setup file fails a test on any unhandled rejection.
(skip ? describe.skip : describeWithDocker)('a job on a full data disk', () => {
  let disk: SmallDisk;
  let t: TestWorker;

  beforeAll(async () => {
    disk = mountSmallDisk(6);
    t = await startTestWorker({ dataDir: disk.dir });
  });
  afterAll(async () => {
    const workerId = t?.worker.workerId;
    disk?.free();
    await t?.close({ keepDir: true });
    disk?.remove();
    if (workerId) expect(await leftovers(workerId)).toEqual({ containers: [], volumes: [], networks: [] });
  });

  it('degrades the worker (says the disk is full) instead of crashing, and recovers once there is room', async () => {
    const spec = testSpec({ command: ['sh', '-c', 'echo started; sleep 2; echo done'] });
    await t.worker.submit(spec);
    await untilRunning(t.worker, spec.jobId);
    const faults: string[] = [];
    t.worker.onDidChangeStorage((status) => faults.push(status.state));
    disk.fill();

    // The container exits; recording that fails; the worker says why and stays up.
    const deadline = Date.now() + 20_000;
    while (t.worker.storageStatus().state !== 'failing' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const status = t.worker.storageStatus();
    expect(status.state).toBe('failing');
    expect(status.message).toMatch(/disk is full/i);
    // Docker's side is cleaned up all the same.
    expect((await leftovers(t.worker.workerId)).containers).toEqual([]);
    // The table still answers (reads work on a full disk); the job stays unsettled until
    // a write can say how it ended.
    expect(t.worker.job(spec.jobId).state).toBe('running');

    // New work is refused while nothing can be recorded.
    await expect(t.worker.submit(testSpec())).rejects.toMatchObject({ reason: 'storage_failing' });

    disk.free();
    // With room again, a reconcile settles the job it could not record, and the worker is healthy.
    await t.worker.reconciler.reconcile();
    expect(t.worker.job(spec.jobId).state).not.toBe('running');
    expect(t.worker.storageStatus().state).toBe('ok');
    expect(faults).toEqual(['failing', 'ok']);
    const next = testSpec();
    await t.worker.submit(next);
    expect((await t.worker.runner.whenEnded(next.jobId)).state).toBe('succeeded');
  }, 120_000);
});
