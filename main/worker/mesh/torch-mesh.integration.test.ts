import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { meshClusterEnvironment } from '../../../common/mesh';
import { MeshSignals } from '../../../hub';
import { createTestWallet } from '../../../hub/testing/test-wallet';
import { torchImageTarball, TORCH_IMAGE_REF } from '../../../scripts/images/torch-image.mjs';
import { cleanupStaleTestbeds, startHomes, testbedToolsAvailable } from '../../../scripts/testbed/homes.mjs';
import type { Testbed } from '../../../scripts/testbed/homes.mjs';
import { DockerLogDemuxer } from '../docker-log-demuxer';
import { startTestLease, testSuppliers } from './test-support/mesh-testbed';
import type { TestSupplier } from './test-support/mesh-testbed';

// torch.distributed (gloo) across simulated homes behind NAT, over the lease's mesh: each
// rank all-reduces rank+1, so every node must print the sum 1+…+n.
const tools = testbedToolsAvailable();
const tarball = torchImageTarball();
const missing = [...tools.missing, ...(existsSync(tarball) ? [] : [`the torch image (node scripts/images/torch-image.mjs build → ${tarball})`])];
const run = missing.length === 0 ? describe : describe.skip;
if (missing.length > 0) console.warn(`[skip] torch.distributed over the mesh: missing ${missing.join(', ')}`);

const ALL_REDUCE = `
import datetime, os, torch, torch.distributed as dist
dist.init_process_group('gloo', init_method='env://', timeout=datetime.timedelta(seconds=120))
t = torch.tensor([float(dist.get_rank() + 1)])
dist.all_reduce(t)
print('all-reduce rank %d of %d on %s: %g' % (dist.get_rank(), dist.get_world_size(), os.environ['MASTER_ADDR'], t.item()), flush=True)
dist.destroy_process_group()
`;

function loadTorch(dockerHost: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('node', ['scripts/images/torch-image.mjs', 'load', TORCH_IMAGE_REF], { env: { ...process.env, DOCKER_HOST: dockerHost }, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`loading the torch image failed: ${err}`))));
  });
}

run('torch.distributed over the mesh, across homes behind NAT', { timeout: 300_000 }, () => {
  let bed: Testbed;
  let signals: MeshSignals;
  let suppliers: TestSupplier[];

  beforeAll(async () => {
    cleanupStaleTestbeds();
    bed = await startHomes({ homes: [{ nat: 'cone' }, { nat: 'cone' }, { nat: 'symmetric' }] });
    signals = new MeshSignals({ udpHost: bed.hubAddress });
    suppliers = await testSuppliers(bed, createTestWallet);
    await Promise.all(bed.homes.map((home) => loadTorch(home.dockerHost!)));
  }, 900_000);

  afterAll(async () => {
    signals?.dispose();
    // Removing three daemons' data roots with the torch image in each takes a while.
    await bed?.stop();
  }, 400_000);

  async function allReduce(leaseId: string, homes: number[]): Promise<{ paths: string[]; logs: string[] }> {
    const group = homes.map((i) => suppliers[i]!);
    const n = group.length;
    const lease = await startTestLease(group, signals, {
      leaseId,
      jobImage: TORCH_IMAGE_REF,
      job: {
        command: ['python3', '-c', ALL_REDUCE],
        env: (rank) => ({ ...meshClusterEnvironment(leaseId, n), RANK: String(rank), WORLD_SIZE: String(n), MASTER_PORT: '29500', HOME: '/tmp' }),
        memoryLimitMb: 1024,
      },
    });
    try {
      const logs = await Promise.all(
        group.map(async (s, rank) => {
          const job = lease.jobs[rank]!;
          await s.engine.waitContainer(job);
          const stream = await s.engine.containerLogs(job, { follow: false });
          let text = '';
          const demuxer = new DockerLogDemuxer((_which, payload) => (text += payload.toString('utf8')));
          for await (const chunk of stream) demuxer.push(chunk as Buffer);
          return text;
        }),
      );
      return { paths: lease.results.flatMap((r) => r.pairs.map((p) => p.path)), logs };
    } finally {
      await lease.dispose();
    }
  }

  it('two homes behind different NATs, direct: both ranks print the sum', async () => {
    const { paths, logs } = await allReduce('torch-direct', [0, 1]);
    expect(paths).toEqual(['direct', 'direct']);
    for (const [rank, log] of logs.entries()) expect(log).toMatch(new RegExp(`all-reduce rank ${rank} of 2 on 198\\.19\\.\\d+\\.1: 3\\b`));
  });

  it('one pair relayed (a symmetric NAT): both ranks print the sum', async () => {
    const { paths, logs } = await allReduce('torch-relayed', [0, 2]);
    expect(paths).toEqual(['relayed', 'relayed']);
    for (const [rank, log] of logs.entries()) expect(log).toMatch(new RegExp(`all-reduce rank ${rank} of 2 on 198\\.19\\.\\d+\\.1: 3\\b`));
  });

  it('three nodes in three homes: every rank prints 1+2+3', async () => {
    const { logs } = await allReduce('torch-three', [0, 1, 2]);
    for (const [rank, log] of logs.entries()) expect(log).toMatch(new RegExp(`all-reduce rank ${rank} of 3 on 198\\.19\\.\\d+\\.1: 6\\b`));
  });
});
