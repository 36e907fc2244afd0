import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MESH_INTERFACE, meshAddressOf } from '../../../common/mesh';
import { jobSpecSchema } from '../../../common/worker/job-spec';
import { describeWithDocker, leftovers, rawDocker, startTestWorker, testSpec, untilRunning } from '../test-support/docker-test-support';
import type { TestWorker } from '../test-support/docker-test-support';
import { sidecarImageToolsMissing } from './sidecar-image';

// Issue 11, the job runner's side: a lease's job runs in its mesh sidecar's network
// namespace (made while the lease is reserved), with no capability, behind the lease's
// firewall; the sidecar and the lease network go with the lease's last job.
const missing = sidecarImageToolsMissing();
if (missing.length > 0) console.warn(`[skip] job runner in the mesh: the sidecar image needs ${missing.join(', ')}`);
const describeMesh = missing.length > 0 ? describe.skip : describeWithDocker;

describeMesh('JobRunner with a lease mesh on a real Docker engine', () => {
  let t: TestWorker;
  beforeAll(async () => {
    t = await startTestWorker();
  });
  afterAll(async () => {
    if (!t) return;
    const workerId = t.worker.workerId;
    await t.close();
    expect(await leftovers(workerId)).toEqual({ containers: [], volumes: [], networks: [] });
  });

  it('runs a one-node lease’s job in its prepared sidecar: the mesh address, no capability, the host out of reach; all removed at the end', async () => {
    const base = testSpec();
    const hubLeaseId = `hub-${base.leaseId}`;
    const spec = {
      ...base,
      command: [
        'sh',
        '-c',
        `ip -4 addr show ${MESH_INTERFACE}; grep CapEff /proc/self/status; ` +
          'gw=$(ip -4 route show default | cut -d" " -f3); ' +
          'if echo x | nc -w 2 "$gw" 2375 >/dev/null 2>&1; then echo GATEWAY_OPEN; else echo GATEWAY_REFUSED; fi; ' +
          `ip link set ${MESH_INTERFACE} down 2>/dev/null && echo CHANGED_MESH || echo CANNOT_CHANGE_MESH; sleep 600`,
      ],
      mesh: { hubLeaseId, rank: 0, placement: [{ rank: 0, workerId: 'hub-worker-1', supplier: '11111111111111111111111111111111' }] },
    };
    // Prepared as a reserved lease's is: the sidecar runs before the job is submitted.
    const parsed = jobSpecSchema.parse(spec);
    t.worker.meshes.prepare(parsed);
    const { sidecar } = await t.worker.meshes.attach(parsed);
    expect(t.worker.runner.holdsMesh(spec.leaseId)).toBe(true);

    await t.worker.submit(spec);
    const job = await untilRunning(t.worker, spec.jobId);
    const inspect = await rawDocker().getContainer(job.containerId!).inspect();
    expect(inspect.HostConfig.NetworkMode).toBe(`container:${sidecar}`);
    expect(inspect.HostConfig.CapAdd ?? []).toEqual([]);
    const lines = async () => t.worker.jobLogs(spec.jobId).lines.filter((l) => l.stream !== 'worker').map((l) => l.text).join('\n');
    for (let i = 0; i < 100 && !/CANNOT_CHANGE_MESH|CHANGED_MESH/.test(await lines()); i++) await new Promise((r) => setTimeout(r, 100));
    const out = await lines();
    expect(out).toContain(`${meshAddressOf(hubLeaseId, 0)}/24`);
    expect(out).toMatch(/CapEff:\s+0+\b/);
    expect(out).toContain('GATEWAY_REFUSED');
    expect(out).toContain('CANNOT_CHANGE_MESH');

    await t.worker.stopJob(spec.jobId, 'lease-ended');
    expect(t.worker.runner.holdsMesh(spec.leaseId)).toBe(false);
    await expect(rawDocker().getContainer(sidecar).inspect()).rejects.toThrow();
  }, 180_000);
});
