import { spawn, spawnSync } from 'node:child_process';
import { buildIsStale, markBuilt } from '../scripts/build-freshness.mjs';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { cpuPercent, round, sampleProc } from './_proc-stats';

// `npm run bench -- idle`: the headless server idle for 60 s with telemetry on (the
// replayed 8× V100 nvidia-smi ticking at 1 Hz), against a bare Node process with an
// idle HTTP server measured the same way in the same run.
const root = resolve(__dirname, '..');
const seconds = Number(process.env.BENCH_SECONDS ?? 60);

async function measure(child: ChildProcess, warmupMs: number): Promise<{ cpuPct: number; rssMb: number }> {
  await new Promise((r) => setTimeout(r, warmupMs));
  const a = sampleProc(child.pid!);
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const b = sampleProc(child.pid!);
  return { cpuPct: cpuPercent(a, b), rssMb: b.rssKb / 1024 };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

async function main(): Promise<void> {
  // Never measure a stale build: build when any source changed since out/ was made.
  if (buildIsStale(root)) {
    console.log('building (out/ is older than the sources)…');
    const built = spawnSync(join(root, 'node_modules', '.bin', 'electron-vite'), ['build'], { cwd: root, stdio: 'inherit' });
    if (built.status !== 0) throw new Error('the build failed: the idle bench measures only a build of the sources on disk');
    markBuilt(root);
  }
  const dir = mkdtempSync(join(tmpdir(), 'idlegrid-bench-idle-'));
  const server = spawn(process.execPath, [join(root, 'out', 'main', 'headless.js'), '--port', '0', '--data-dir', dir], {
    env: {
      ...process.env,
      PATH: `${join(root, 'fixtures', 'bin')}:${process.env.PATH ?? ''}`,
      IDLEGRID_REPLAY_NVIDIA_XML: join(root, 'fixtures', 'gpu', 'nvidia-smi-q-x.v100s-x8.xml'),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((ready) => server.stdout!.on('data', (d: Buffer) => d.toString().includes('Open:') && ready()));
  // Idle means steady state: for its first ~30 s a fresh V8 heap still runs its memory
  // reducer's GCs (seen in --cpu-prof), which is start-up cost, not idle cost.
  console.log(`idle headless server: 30 s to settle, then ${seconds} s measured…`);
  const ours = await measure(server, 30_000);
  await stop(server);

  const bare = spawn(process.execPath, ['-e', "require('http').createServer().listen(0, '127.0.0.1')"], { stdio: 'ignore' });
  console.log(`bare node http server, ${seconds} s…`);
  const baseline = await measure(bare, 1_000);
  await stop(bare);
  rmSync(dir, { recursive: true, force: true });

  console.log(
    JSON.stringify({
      bench: 'idle',
      seconds,
      cpu_pct: round(ours.cpuPct),
      rss_mb: round(ours.rssMb, 1),
      baseline_cpu_pct: round(baseline.cpuPct),
      baseline_rss_mb: round(baseline.rssMb, 1),
      rss_ratio: round(ours.rssMb / baseline.rssMb, 2),
      target: { cpu_pct: 0.5, rss_mb: 150 },
    }),
  );
}

void main();
