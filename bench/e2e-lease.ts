// `npm run bench -- e2e-lease`: from the renter's "pay" to all containers of a 3-node
// cluster running, against `docker run` of the same three containers, in the same run.
//
// Everything is real and on loopback: a private grid's hub over its sandbox chain, three
// supplier apps (the composition root in processes of their own, replayed 8× V100, 1× RTX
// 4090 and 2× RTX 2080 Ti, each sharing one GPU, so three GPUs make three nodes), a private
// dockerd with NVIDIA's hook replaced by the recorder, and the renter's composition root
// in this process, approving its payments as a person clicking "Pay" would.
//
// Idlegrid's side: `rent:pay` is called (the renter confirms each supplier's transfer at
// once) → SPL transfers on chain → the hub verifies them → each supplier verifies its
// own on chain → pulls (cached after the warm-up) → creates the lease network and the
// hardened container → reports running → the renter sees all three nodes running.
// Docker's side: three `docker run -d --gpus device=UUID IMAGE sleep 600` at once, until
// the last CLI returns (their processes have started). The same image, cached.
// BENCH_RUNS overrides the 5 runs per side; runs alternate so drift hits both alike.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createAppServices } from '../main/app/app-services';
import type { AppServices } from '../main/app/app-services';
import { createStreamLogger, startHub } from '../hub';
import { openHubChain } from '../hub';
import { dockerToolsAvailable, startDockerTestEnv } from '../scripts/test-env/docker-env.mjs';
import { median } from './_median';

const root = resolve(__dirname, '..');
const runs = Number(process.env.BENCH_RUNS ?? 5);

function docker(dockerHost: string, args: string[]): Promise<string> {
  return new Promise((resolveRun, reject) => {
    let out = '';
    let err = '';
    const child = spawn('docker', args, { env: { ...process.env, DOCKER_HOST: dockerHost }, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.once('exit', (code) => (code === 0 ? resolveRun(out.trim()) : reject(new Error(`docker ${args.join(' ')} failed: ${err}`))));
  });
}

function startSupplier(dir: string, capture: string, hubUrl: string, shareGpus: number, env: Record<string, string>): Promise<ChildProcess> {
  const bin = join(dir, 'bin');
  mkdirSync(bin, { recursive: true });
  symlinkSync(join(root, 'fixtures', 'bin', 'nvidia-smi'), join(bin, 'nvidia-smi'));
  const config = { dataDir: join(dir, 'data'), hubUrl, shareGpus, pricePerGpuHour: '500000' };
  const child = spawn(join(root, 'node_modules', '.bin', 'tsx'), [join(root, 'bench', '_market-app.ts'), JSON.stringify(config)], {
    cwd: root,
    env: { ...process.env, ...env, PATH: `${bin}:${process.env.PATH}`, IDLEGRID_REPLAY_NVIDIA_XML: join(root, 'fixtures', 'gpu', capture) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolveChild, reject) => {
    const timer = setTimeout(() => reject(new Error(`supplier ${capture} not ready in 120 s:\n${output}`)), 120_000);
    const onData = (d: Buffer) => {
      output += d.toString();
      if (/READY /.test(output)) {
        clearTimeout(timer);
        resolveChild(child);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`supplier ${capture} exited (${code}):\n${output}`)));
  });
}

function waitAllRunning(app: AppServices, leaseId: string, nodes: number, timeoutMs: number): Promise<void> {
  return new Promise((resolveWait, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`lease ${leaseId} did not reach ${nodes} running nodes in ${timeoutMs} ms`));
    }, timeoutMs);
    const check = (lease: { leaseId: string; nodes: Array<{ state: string }>; state: string; endReason: string | null }) => {
      if (lease.leaseId !== leaseId) return;
      if (lease.state === 'ended') {
        clearTimeout(timer);
        off();
        reject(new Error(`lease ${leaseId} ended (${lease.endReason}) before running`));
      } else if (lease.nodes.length === nodes && lease.nodes.every((n) => n.state === 'running')) {
        clearTimeout(timer);
        off();
        resolveWait();
      }
    };
    const off = app.events.on('rent:lease', (rent) => check(rent.lease));
  });
}

async function main(): Promise<void> {
  const tools = dockerToolsAvailable();
  if (!tools.ok) throw new Error(`e2e-lease needs a private dockerd; missing: ${tools.missing.join(', ')}`);
  const dockerEnv = await startDockerTestEnv();
  const dir = mkdtempSync(join(tmpdir(), 'idlegrid-bench-e2e-lease-'));
  const children: ChildProcess[] = [];
  let renter: AppServices | null = null;
  const chain = await openHubChain({ kind: 'sandbox', logger: createStreamLogger(2, 'warn'), dataDir: join(dir, 'hub'), host: '127.0.0.1', port: 0 });
  const hub = await startHub({ logger: createStreamLogger(2, 'warn'), dataDir: join(dir, 'hub'), host: '127.0.0.1', port: 0, chain: chain.config });
  try {
    process.env.DOCKER_HOST = dockerEnv.dockerHost;
    // The test registry is on 127.0.0.1: the suppliers allow-list it (issue 14, item 5).
    process.env.IDLEGRID_ALLOWED_REGISTRIES = '127.0.0.1:*';
    children.push(await startSupplier(join(dir, 'v100'), 'nvidia-smi-q-x.v100s-x8.xml', hub.url, 1, dockerEnv.env));
    children.push(await startSupplier(join(dir, '4090'), 'nvidia-smi-q-x.rtx4090-linux.xml', hub.url, 1, dockerEnv.env));
    children.push(await startSupplier(join(dir, '2080ti'), 'nvidia-smi-q-x.rtx2080ti-x2-driver410.xml', hub.url, 1, dockerEnv.env));

    renter = createAppServices({ shell: 'headless', dataDir: join(dir, 'renter'), version: '0.0.0-bench' });
    await renter.start();
    await renter.handlers['wallet:unlock']({ passphrase: 'bench passphrase' });
    await renter.handlers['wallet:create']({});
    await renter.handlers['network:set']({ kind: 'grid', hubUrl: hub.url });
    await renter.handlers['wallet:faucet']({ sol: true, usdc: true });
    // The renter clicks "Pay" in every confirmation at once.
    const app = renter;
    app.events.on('wallet:confirm-request', (request) => void app.handlers['wallet:confirm']({ id: request.id, approved: true, passphrase: 'bench passphrase' }));

    const image = dockerEnv.testImage;
    const leaseOnce = async (): Promise<number> => {
      const quote = await app.handlers['rent:quote']({
        gpuCount: 3,
        constraints: { sameModel: false },
        job: { image, command: ['sleep', '600'], masterPort: 29500 },
        durationMs: 3_600_000,
      });
      const t0 = performance.now();
      const running = waitAllRunning(app, quote.leaseId, 3, 120_000);
      await app.handlers['rent:pay']({ leaseId: quote.leaseId });
      await running;
      const ms = performance.now() - t0;
      await app.handlers['rent:terminate']({ leaseId: quote.leaseId });
      return ms;
    };
    const dockerOnce = async (): Promise<number> => {
      const t0 = performance.now();
      const ids = await Promise.all(
        ['GPU-bench-0', 'GPU-bench-1', 'GPU-bench-2'].map((uuid) => docker(dockerEnv.dockerHost, ['run', '-d', '--gpus', `device=${uuid}`, image, 'sleep', '600'])),
      );
      const ms = performance.now() - t0;
      await docker(dockerEnv.dockerHost, ['rm', '-f', ...ids]);
      return ms;
    };

    // Warm-up: the first lease pulls the image on the daemon; both sides then start cached.
    await leaseOnce();
    await dockerOnce();
    const idlegrid: number[] = [];
    const dockerRuns: number[] = [];
    for (let i = 0; i < runs; i++) {
      idlegrid.push(await leaseOnce());
      dockerRuns.push(await dockerOnce());
    }
    const idlegridMs = median(idlegrid);
    const dockerMs = median(dockerRuns);
    console.log(
      JSON.stringify({
        bench: 'e2e-lease',
        runs,
        nodes: 3,
        idlegrid_pay_to_running_ms_p50: Math.round(idlegridMs),
        docker_run_3_ms_p50: Math.round(dockerMs),
        ratio: Number((idlegridMs / dockerMs).toFixed(3)),
        target_ratio: 1.5,
        idlegrid_ms: idlegrid.map(Math.round),
        docker_ms: dockerRuns.map(Math.round),
      }),
    );
  } finally {
    await renter?.stop();
    for (const child of children) child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 3_000));
    await hub.close();
    await chain.stop();
    await dockerEnv.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
