import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Job } from '../../common/worker/job';
import { jobResourceNames } from './job-resources';
import {
  dockerTestEnv,
  describeWithDocker,
  eventually,
  leftovers,
  rawDocker,
  startTestWorker,
  testSpec,
  untilRunning,
} from './test-support/docker-test-support';
import type { TestWorker } from './test-support/docker-test-support';
import { buildBusyboxImage, pushImage, readHookLog, startTestRegistry } from '../../scripts/test-env/docker-env.mjs';

// Integration: a real dockerd, a real registry, NVIDIA's hook replaced by a recorder.
describeWithDocker('JobRunner on a real Docker engine', () => {
  let t: TestWorker;

  beforeAll(async () => {
    t = await startTestWorker();
  });
  afterAll(async () => {
    if (!t) return;
    const workerId = t.worker.workerId;
    await t.close();
    // Every test below cleans up after itself: nothing of this worker is left in Docker.
    expect(await leftovers(workerId)).toEqual({ containers: [], volumes: [], networks: [] });
  });

  const running = (jobId: string) => untilRunning(t.worker, jobId);
  const ended = (jobId: string) => t.worker.runner.whenEnded(jobId);
  const output = (jobId: string, stream?: string) =>
    t.worker.jobLogs(jobId).lines.filter((l) => (stream ? l.stream === stream : l.stream !== 'worker')).map((l) => l.text);

  it('pulls an image it does not have from the registry, with progress events in bytes and layers', async () => {
    // An image with a 24 MB layer nobody else has, so the pull really downloads.
    const image = `${dockerTestEnv.registry}/idlegrid/pull-progress:${Date.now().toString(36)}`;
    await buildBusyboxImage({ dockerHost: dockerTestEnv.dockerHost, ref: image, extraBytes: 24 * 1024 * 1024 });
    pushImage({ dockerHost: dockerTestEnv.dockerHost, ref: image, removeLocal: true });
    // Every progress message becomes an event here (the app sends at most 5 a second).
    const eager = await startTestWorker({ progressIntervalMs: 0 });
    try {
      const spec = testSpec({ image });
      await eager.worker.submit(spec);
      const job = await eager.worker.runner.whenEnded(spec.jobId);
      expect(job.state).toBe('succeeded');
      expect(eager.worker.history(spec.jobId).map((h) => h.state)).toEqual(['queued', 'pulling', 'creating', 'running', 'succeeded']);

      const progress = eager.events.of('worker:pull-progress').filter((p) => p.jobId === spec.jobId);
      expect(progress[0]!.phase).toBe('resolving');
      const last = progress[progress.length - 1]!;
      expect(last).toMatchObject({ phase: 'done', image });
      expect(last.layersTotal).toBeGreaterThanOrEqual(1);
      expect(last.layersDone).toBe(last.layersTotal);
      expect(last.bytesTotal).toBeGreaterThan(24 * 1024 * 1024);
      expect(last.bytesDone).toBe(last.bytesTotal);
      // Part-way figures reached the UI, and the bar never went backwards.
      expect(progress.some((p) => p.bytesDone > 0 && p.bytesDone < p.bytesTotal)).toBe(true);
      for (let i = 1; i < progress.length; i++) expect(progress[i]!.bytesDone).toBeGreaterThanOrEqual(progress[i - 1]!.bytesDone);
    } finally {
      await eager.close();
      await rawDocker().getImage(image).remove({ force: true }).catch(() => undefined);
    }
  });

  it('creates the container hardened: checked with docker inspect and from inside the container', async () => {
    const spec = testSpec({
      command: [
        'sh',
        '-c',
        'grep -E "^(CapEff|NoNewPrivs)" /proc/self/status; ' +
          '(touch /rootfile 2>/dev/null && echo ROOT_WRITABLE) || echo ROOT_READONLY; ' +
          'touch /tmp/x && echo TMP_OK; touch /scratch/x && echo SCRATCH_OK; ' +
          'ls /var/run/docker.sock 2>/dev/null || echo NO_DOCKER_SOCKET; echo READY; sleep 600',
      ],
      cpuCores: 0.5,
      memoryLimitMb: 96,
      pidsLimit: 64,
      tmpSizeMb: 16,
    });
    await t.worker.submit(spec);
    const job = await running(spec.jobId);
    await eventually(() => output(spec.jobId).includes('READY'), 30_000, 'the job to print READY');

    const docker = rawDocker();
    const inspect = await docker.getContainer(job.containerId!).inspect();
    const host = inspect.HostConfig;
    const names = jobResourceNames(t.worker.workerId, spec.leaseId, spec.jobId);
    expect(host.CapDrop).toEqual(['ALL']);
    expect(host.CapAdd ?? []).toEqual([]);
    expect(host.SecurityOpt).toEqual(['no-new-privileges:true']);
    expect(host.Privileged).toBe(false);
    expect(host.ReadonlyRootfs).toBe(true);
    // Scratch and outputs are sized tmpfs of the container (8 MB each), not volumes.
    expect(host.Tmpfs).toEqual({ '/tmp': 'rw,nosuid,nodev,size=16m,mode=1777', '/scratch': 'rw,nosuid,nodev,size=8192k,mode=1777', '/outputs': 'rw,nosuid,nodev,size=8192k,mode=1777' });
    expect(host.Binds ?? []).toEqual([]);
    expect((inspect.Mounts as Array<{ Type: string }>).filter((m) => m.Type !== 'tmpfs')).toEqual([]);
    expect(JSON.stringify([inspect.Mounts, host])).not.toContain('docker.sock');
    expect(host.PidsLimit).toBe(64);
    // Its memory and its scratch (a tmpfs of 8 MB, charged to the container that writes it).
    expect(host.Memory).toBe((96 + 8) * 1024 * 1024);
    expect(host.MemorySwap).toBe((96 + 8) * 1024 * 1024);
    expect(host.NanoCpus).toBe(5e8);
    expect(host.NetworkMode).toBe(names.network);
    expect(host.Runtime).toBe('runc');
    expect(host.DeviceRequests ?? []).toEqual([]);
    expect(host.PidMode ?? '').toBe('');
    expect(host.IpcMode).toBe('private');
    expect(Object.keys(inspect.NetworkSettings.Networks)).toEqual([names.network]);
    expect(inspect.Config.Labels).toEqual({
      'io.idlegrid.app': 'idlegrid',
      'io.idlegrid.worker': t.worker.workerId,
      'io.idlegrid.lease': spec.leaseId,
      'io.idlegrid.job': spec.jobId,
    });

    // The lease's own bridge network: internal (no egress asked), labelled, only this lease's container.
    const network = await docker.getNetwork(names.network).inspect();
    expect(network.Driver).toBe('bridge');
    expect(network.Internal).toBe(true);
    expect(network.Labels).toMatchObject({ 'io.idlegrid.lease': spec.leaseId });
    expect(Object.keys(network.Containers ?? {})).toEqual([job.containerId]);

    // From inside: no capabilities at all, no-new-privileges, read-only root, writable /tmp and /scratch.
    const lines = output(spec.jobId);
    expect(lines).toContain('CapEff:\t0000000000000000');
    expect(lines).toContain('NoNewPrivs:\t1');
    expect(lines).toEqual(expect.arrayContaining(['ROOT_READONLY', 'TMP_OK', 'SCRATCH_OK', 'NO_DOCKER_SOCKET']));

    const stopped = await t.worker.stopJob(spec.jobId);
    expect(stopped).toMatchObject({ state: 'stopped', endReason: 'owner-stopped' });
    const gone = await leftovers(t.worker.workerId);
    expect(gone.containers).not.toContain(`/${names.container}`);
    expect(gone.volumes).not.toContain(names.volume);
    expect(gone.volumes).not.toContain(names.outputs);
    expect(gone.networks).not.toContain(names.network);
  });

  it('gives the job exactly the leased GPUs: DeviceRequests, the NVIDIA hook and NVIDIA_VISIBLE_DEVICES', async () => {
    const gpus = ['GPU-6f1c4e43-2b9d-4c8f-9f2e-3a5b7c9d1e20', 'GPU-0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9'];
    const spec = testSpec({ gpuUuids: gpus, command: ['sh', '-c', 'echo "visible=$NVIDIA_VISIBLE_DEVICES caps=$NVIDIA_DRIVER_CAPABILITIES"'] });
    await t.worker.submit(spec);
    const runningJob = await running(spec.jobId);
    const inspect = await rawDocker().getContainer(runningJob.containerId!).inspect();
    expect(inspect.HostConfig.DeviceRequests).toEqual([
      { Driver: 'nvidia', Count: 0, DeviceIDs: gpus, Capabilities: [['gpu', 'compute', 'utility']], Options: null },
    ]);
    const job = await ended(spec.jobId);
    expect(job.state).toBe('succeeded');
    expect(output(spec.jobId)).toEqual([`visible=${gpus.join(',')} caps=compute,utility`]);

    // dockerd ran NVIDIA's prestart hook (our recorder) for this very container, with these GPUs.
    const calls = readHookLog(dockerTestEnv.hookLog).filter((r) => r.state?.id === job.containerId);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.argv.slice(1)).toEqual(['prestart']);
    expect(calls[0]!.nvidiaVisibleDevices).toBe(gpus.join(','));
  });

  it('streams stdout and stderr apart, in order, into a bounded buffer and batched events', async () => {
    const spec = testSpec({
      command: ['sh', '-c', 'echo first; echo oops >&2; sleep 1; i=1; while [ $i -le 12000 ]; do echo "line $i"; i=$((i+1)); done; sleep 1; echo last >&2'],
    });
    await t.worker.submit(spec);
    const job = await ended(spec.jobId);
    expect(job.state).toBe('succeeded');
    const logs = t.worker.jobLogs(spec.jobId);
    // 12,003 lines printed; the buffer keeps the newest 5,000 and counts the rest.
    // (Order across the two streams is Docker's: they are separate pipes.)
    const jobLines = logs.lines.filter((l) => l.stream !== 'worker');
    expect(jobLines.length).toBeLessThanOrEqual(5_000);
    expect(logs.droppedLines).toBeGreaterThan(7_000);
    const stdout = jobLines.filter((l) => l.stream === 'stdout').map((l) => l.text);
    expect(stdout.slice(-3)).toEqual(['line 11998', 'line 11999', 'line 12000']);
    expect(jobLines[jobLines.length - 1]).toMatchObject({ stream: 'stderr', text: 'last' });
    const seqs = logs.lines.map((l) => l.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));

    const batches = t.events.of('worker:job-log').filter((b) => b.jobId === spec.jobId);
    const streamed = batches.flatMap((b) => b.lines).filter((l) => l.stream !== 'worker');
    expect(streamed.slice(0, 2).map((l) => `${l.stream}:${l.text}`).sort()).toEqual(['stderr:oops', 'stdout:first']);
    expect(streamed.filter((l) => l.stream === 'stdout').pop()?.text).toBe('line 12000');
    const streamedSeqs = streamed.map((l) => l.seq);
    expect(streamedSeqs).toEqual([...streamedSeqs].sort((a, b) => a - b));
    // Batched (a flood sends its newest lines, a few events a second), never one event per line.
    expect(batches.length).toBeLessThan(50);
  });

  it('bounds the container log Docker keeps on disk (json-file, 3 × 10 MB) when a job prints without end', async () => {
    // 40 MB of output in 64 KiB lines: more than the three files may hold.
    const spec = testSpec({ command: ['sh', '-c', 'i=0; while [ $i -lt 640 ]; do head -c 65535 /dev/zero | tr "\\0" x; echo; i=$((i+1)); done; echo PRINTED; sleep 600'] });
    await t.worker.submit(spec);
    const job = await running(spec.jobId);
    await eventually(() => output(spec.jobId).includes('PRINTED'), 60_000, 'the job to print 40 MB');
    const inspect = await rawDocker().getContainer(job.containerId!).inspect();
    expect(inspect.HostConfig.LogConfig).toEqual({ Type: 'json-file', Config: { 'max-size': '10m', 'max-file': '3' } });
    const { readdirSync, statSync } = await import('node:fs');
    const { basename, dirname } = await import('node:path');
    const logDir = dirname(inspect.LogPath);
    const files = readdirSync(logDir).filter((f) => f.startsWith(basename(inspect.LogPath)));
    const bytes = files.reduce((n, f) => n + statSync(join(logDir, f)).size, 0);
    expect(files.length).toBeGreaterThan(1); // it did rotate
    expect(bytes).toBeLessThanOrEqual(3 * 10 * 1024 * 1024 + 256 * 1024);
    await t.worker.stopJob(spec.jobId);
  }, 120_000);

  it('reports a non-zero exit as a failure with its exit code, and records every transition', async () => {
    const spec = testSpec({ command: ['sh', '-c', 'echo working; exit 3'] });
    await t.worker.submit(spec);
    const job = await ended(spec.jobId);
    expect(job).toMatchObject({ state: 'failed', endReason: 'exited', exitCode: 3 });
    expect(job.message).toMatch(/exited with code 3/);
    const history = t.worker.history(spec.jobId);
    expect(history.map((h) => h.state)).toEqual(['queued', 'creating', 'running', 'failed']);
    expect(history[3]).toMatchObject({ exitCode: 3, reason: 'exited' });
    expect(history.every((h, i) => i === 0 || h.atMs >= history[i - 1]!.atMs)).toBe(true);
  });

  it('reports an out-of-memory kill as such', async () => {
    // Holds 100 MB in a shell variable against a 32 MB limit.
    const spec = testSpec({ memoryLimitMb: 32, command: ['sh', '-c', 'x=$(head -c 100000000 /dev/zero | tr "\\0" a); echo "survived ${#x}"'] });
    await t.worker.submit(spec);
    const job = await ended(spec.jobId);
    expect(job).toMatchObject({ state: 'failed', endReason: 'oom-killed', exitCode: 137 });
    expect(job.message).toMatch(/ran out of memory \(its limit is 32 MB\)/);
    expect(output(spec.jobId).some((line) => line.startsWith('survived'))).toBe(false);
  });

  it('pauses and resumes a running job, then stops it with its grace period', async () => {
    const spec = testSpec({
      stopGraceMs: 5_000,
      command: ['sh', '-c', 'trap "echo got SIGTERM; exit 0" TERM; while true; do sleep 0.1; done'],
    });
    await t.worker.submit(spec);
    const job = await running(spec.jobId);
    const docker = rawDocker();

    expect((await t.worker.pauseJob(spec.jobId)).state).toBe('paused');
    expect((await docker.getContainer(job.containerId!).inspect()).State.Paused).toBe(true);
    expect((await t.worker.resumeJob(spec.jobId)).state).toBe('running');
    expect((await docker.getContainer(job.containerId!).inspect()).State.Paused).toBe(false);

    // Stopping a paused job still lets it shut down cleanly on SIGTERM.
    await t.worker.pauseJob(spec.jobId);
    const stopped = await t.worker.stopJob(spec.jobId);
    expect(stopped).toMatchObject({ state: 'stopped', endReason: 'owner-stopped', exitCode: 0 });
    expect(output(spec.jobId)).toContain('got SIGTERM');
    expect(t.worker.history(spec.jobId).map((h) => h.state)).toEqual([
      'queued', 'creating', 'running', 'paused', 'running', 'paused', 'stopping', 'stopped',
    ]);
  });

  it('stops a job at its maximum duration', async () => {
    const spec = testSpec({ maxDurationMs: 1_000, command: ['sleep', '600'] });
    await t.worker.submit(spec);
    const job = await ended(spec.jobId);
    expect(job).toMatchObject({ state: 'stopped', endReason: 'max-duration' });
  });

  it('puts the containers of one lease on one network and removes it with the last of them', async () => {
    // No capabilities means no ping (raw sockets): the peer answers on a TCP port instead.
    const first = testSpec({ command: ['sh', '-c', 'nc -l -p 7000 -e echo PEER_HELLO; sleep 600'] });
    const second = testSpec({
      leaseId: first.leaseId,
      command: ['sh', '-c', `for i in 1 2 3 4 5 6 7 8 9 10; do nc ${first.jobId} 7000 </dev/null && break; sleep 1; done; sleep 600`],
    });
    await t.worker.submit(first);
    await running(first.jobId);
    await t.worker.submit(second);
    await running(second.jobId);
    await eventually(() => output(second.jobId!).includes('PEER_HELLO'), 30_000, 'the peer to answer by its job id');
    const network = jobResourceNames(t.worker.workerId, first.leaseId!, first.jobId!).network;
    const docker = rawDocker();
    expect(Object.keys((await docker.getNetwork(network).inspect()).Containers ?? {})).toHaveLength(2);

    await t.worker.stopJob(first.jobId!);
    expect((await leftovers(t.worker.workerId)).networks).toContain(network);
    await t.worker.stopJob(second.jobId!);
    expect((await leftovers(t.worker.workerId)).networks).not.toContain(network);
  });

  it('publishes exposed ports on loopback only, and only when the lease may reach out', async () => {
    const open = testSpec({ egress: true, exposedPorts: [{ port: 8080 }], command: ['sleep', '600'] });
    const closed = testSpec({ exposedPorts: [{ port: 8080 }], command: ['sleep', '600'] });
    await t.worker.submit(open);
    await t.worker.submit(closed);
    const [a, b] = await Promise.all([running(open.jobId!), running(closed.jobId!)]);
    expect(a.ports).toEqual([{ containerPort: 8080, protocol: 'tcp', hostIp: '127.0.0.1', hostPort: expect.any(Number) }]);
    expect(b.ports).toEqual([{ containerPort: 8080, protocol: 'tcp', hostIp: null, hostPort: null }]);
    const network = jobResourceNames(t.worker.workerId, open.leaseId!, open.jobId!).network;
    expect((await rawDocker().getNetwork(network).inspect()).Internal).toBe(false);
    await Promise.all([t.worker.stopJob(open.jobId!), t.worker.stopJob(closed.jobId!)]);
  });

  it('says clearly when the image does not exist, the registry cannot be reached, or it wants a login', async () => {
    const missing = testSpec({ image: `${dockerTestEnv.registry}/idlegrid/does-not-exist:1` });
    const unreachable = testSpec({ image: '127.0.0.1:9/idlegrid/anything:1' });
    const registry = await startTestRegistry({ dir: `${t.dataDir}/private-registry`, requireAuth: true });
    try {
      const privateImage = testSpec({ image: `${registry.address}/studio/private:1` });
      const results: Job[] = [];
      for (const spec of [missing, unreachable, privateImage]) {
        await t.worker.submit(spec);
        results.push(await ended(spec.jobId!));
      }
      for (const job of results) expect(job).toMatchObject({ state: 'failed', endReason: 'pull-failed', containerId: null });
      expect(results[0]!.message).toBe(`The image ${missing.image} does not exist in ${dockerTestEnv.registry}. Check the image name and tag (they are case-sensitive).`);
      expect(results[1]!.message).toMatch(/^Could not reach the registry 127\.0\.0\.1:9 to download .*internet connection/);
      expect(results[2]!.message).toMatch(new RegExp(`^${registry.address.replace(/\./g, '\\.')} refused access .*docker login ${registry.address.replace(/\./g, '\\.')}`));
    } finally {
      await registry.stop();
    }
  });

  it('refuses a job id it has already run, more CPUs or memory than there are, and scratch that would eat the owner\'s disk reserve', async () => {
    const spec = testSpec();
    await t.worker.submit(spec);
    await ended(spec.jobId!);
    await expect(t.worker.submit(spec)).rejects.toMatchObject({ code: 'conflict', message: expect.stringMatching(/never run twice/) });
    // More CPUs or memory than Docker's host has: refused before anything is made.
    await expect(t.worker.submit(testSpec({ cpuCores: 1024 }))).rejects.toMatchObject({
      code: 'conflict',
      message: expect.stringMatching(/^This job asks for 1024 CPU cores; Docker on this machine has \d+\. It cannot run here\.$/),
    });
    await expect(t.worker.submit(testSpec({ memoryLimitMb: 16 * 1024 * 1024 }))).rejects.toMatchObject({
      code: 'conflict',
      message: expect.stringMatching(/^This job asks for 16384 GB of memory/),
    });

    const strict = await startTestWorker({ diskReserveBytes: () => Number.MAX_SAFE_INTEGER });
    try {
      await expect(strict.worker.submit(testSpec())).rejects.toMatchObject({
        code: 'conflict',
        message: expect.stringMatching(/^Not enough disk for this job/),
      });
      expect(strict.worker.jobs(10)).toEqual([]);
    } finally {
      await strict.close();
    }
  });
});
