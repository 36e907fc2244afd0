// One supplier worker in a process of its own, for `npm run chaos`: the harness kills it
// with SIGKILL at random points, so it must be a real process. It prints one JSON line
// per thing the harness watches (ready, job changes, pull progress, storage) and takes
// one JSON command per stdin line (submit, reconcile, stop).
//   tsx scripts/chaos/chaos-worker.ts DATA_DIR        (DOCKER_HOST names the engine)
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { openLedgerDb } from '../../main/ledger/ledger-db';
import { DockerEngine } from '../../main/worker/docker-engine';
import { parseDockerHost } from '../../main/worker/docker-endpoint';
import { WorkerService } from '../../main/worker/worker-service';
import { silentLogger } from '../../common/logger';
import { errorText } from '../../common/errors';

const say = (line: object) => process.stdout.write(`${JSON.stringify(line)}\n`);
// What a real app would die of: any rejection nobody handles ends the process (Node's default).
process.on('unhandledRejection', (reason) => {
  say({ event: 'crash', message: errorText(reason) });
  process.exit(70);
});

async function main(): Promise<void> {
  const [dataDir] = process.argv.slice(2);
  if (!dataDir || !process.env.DOCKER_HOST) throw new Error('usage: chaos-worker.ts DATA_DIR (with DOCKER_HOST)');
  const db = openLedgerDb(join(dataDir, 'ledger.db'));
  const worker = new WorkerService({
    db,
    logger: silentLogger,
    engine: new DockerEngine(parseDockerHost(process.env.DOCKER_HOST)),
    diskReserveBytes: () => 0,
    // The test registry and its throttling proxies are on 127.0.0.1: allowed as an owner allows theirs in Settings.
    allowedRegistries: () => ['127.0.0.1:*'],
    initialBackoffMs: 200,
    maxBackoffMs: 1_000,
    storageRetryMs: 500,
  });
  worker.onDidChangeJob((job) => say({ event: 'job', job }));
  worker.onPullProgress((p) => say({ event: 'pull', jobId: p.jobId, bytesDone: p.bytesDone }));
  worker.onDidChangeStorage((status) => say({ event: 'storage', status }));
  await worker.start();
  say({ event: 'ready', workerId: worker.workerId, jobs: worker.jobs(50) });
  for await (const line of createInterface({ input: process.stdin })) {
    const command = JSON.parse(line) as { cmd: string; spec?: unknown; jobId?: string };
    try {
      if (command.cmd === 'submit') await worker.submit(command.spec as never);
      if (command.cmd === 'reconcile') say({ event: 'reconciled', report: await worker.reconciler.reconcile() });
      if (command.cmd === 'stop') await worker.stopJob(command.jobId!);
      if (command.cmd === 'status') say({ event: 'status', storage: worker.storageStatus(), jobs: worker.jobs(50) });
      if (command.cmd === 'exit') break;
    } catch (error) {
      say({ event: 'refused', cmd: command.cmd, message: errorText(error) });
    }
  }
  await worker.stop();
  db.close();
  process.exit(0);
}

main().catch((error: unknown) => {
  say({ event: 'crash', message: errorText(error) });
  process.exit(1);
});
