// A worker in a process of its own, for the crash test: it starts a job, says so on
// stdout, and then waits to be killed with SIGKILL (as a crash or `kill -9` would).
//   tsx crash-worker.ts DATA_DIR SPEC_JSON [running|pulling]   (DOCKER_HOST names the engine)
// With `pulling` it says so (and waits to be killed) once the image download has begun.
import { join } from 'node:path';
import { isTerminalJobState } from '../../../common/worker/job';
import { openLedgerDb } from '../../ledger/ledger-db';
import { DockerEngine } from '../docker-engine';
import { parseDockerHost } from '../docker-endpoint';
import { WorkerService } from '../worker-service';
import { createStderrLogger } from '../../logging/file-logger';

async function main(): Promise<void> {
  const [dataDir, specJson, until = 'running'] = process.argv.slice(2);
  if (!dataDir || !specJson || !process.env.DOCKER_HOST) throw new Error('usage: crash-worker.ts DATA_DIR SPEC_JSON (with DOCKER_HOST)');
  const db = openLedgerDb(join(dataDir, 'ledger.db'));
  const worker = new WorkerService({
    db,
    logger: createStderrLogger(),
    engine: new DockerEngine(parseDockerHost(process.env.DOCKER_HOST)),
    diskReserveBytes: () => 0,
    // The test registry and its throttling proxies are on 127.0.0.1: allowed as an owner allows theirs in Settings.
    allowedRegistries: () => ['127.0.0.1:*'],
  });
  await worker.start();
  const spec = JSON.parse(specJson) as { jobId: string };
  const downloading = new Promise<void>((resolve) => worker.onPullProgress((p) => p.jobId === spec.jobId && p.bytesDone > 0 && resolve()));
  await worker.submit(spec as never);
  if (until === 'pulling') await Promise.race([downloading, worker.runner.whenEnded(spec.jobId)]);
  const job = until === 'pulling' ? worker.job(spec.jobId) : await worker.runner.waitFor(spec.jobId, (j) => j.state === 'running' || isTerminalJobState(j.state));
  process.stdout.write(`${JSON.stringify({ workerId: worker.workerId, job })}\n`);
  // Stay alive, holding the job, until killed.
  setInterval(() => undefined, 60_000);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
