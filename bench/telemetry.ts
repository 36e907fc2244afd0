// `npm run bench -- telemetry`: what live GPU telemetry costs the app, against the naive way.
//
// NVIDIA, ours: TelemetrySampler, one long-lived `nvidia-smi --query-gpu … -lms 1000`.
// Baseline (same run, same duration, same parsing): a fresh `nvidia-smi --query-gpu …`
// every second. Both read the nvidia-smi replay of the real 8× V100S capture.
// AMD, ours: the same sampler on one long-lived `sh` that runs rocm-smi in a loop
// (rocm-smi has no streaming mode). Baseline: this process spawns `rocm-smi … --json`
// every second. Both read the rocm-smi replay of the real 4× MI100 capture.
// (fixtures/bin on PATH). CPU is this process's own (process.cpuUsage); the children's
// CPU is printed too, but the replays are Node scripts, not the real tools, so only our
// own process's figures are compared. BENCH_SECONDS overrides the 60 s per phase.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { replayEnv } from '../main/hardware/nvidia-smi-replay';
import { TelemetrySampler, type TelemetryStream } from '../main/hardware/telemetry-sampler';
import { AMD_TELEMETRY_STREAM } from '../main/hardware/vendors/amd/amd-telemetry';
import { parseRocmSmiTelemetry, ROCM_TELEMETRY_ARGS } from '../main/hardware/vendors/amd/rocm-smi-json';
import { NVIDIA_TELEMETRY_STREAM } from '../main/hardware/vendors/nvidia/nvidia-telemetry';
import { TelemetryLineReader, telemetryQueryArgs } from '../main/hardware/vendors/nvidia/telemetry-query';
import { silentLogger } from '../common/logger';

const seconds = Number(process.env.BENCH_SECONDS ?? 60);
if (!(seconds > 0)) throw new Error(`BENCH_SECONDS must be a positive number (got ${process.env.BENCH_SECONDS})`);
const intervalMs = 1000;
const dir = mkdtempSync(join(tmpdir(), 'idlegrid-bench-telemetry-'));

interface Measured {
  /** Processes this process started (the long-lived child, or one per reading). */
  appSpawns: number;
  cpuPct: number;
  childCpuPct: number | null;
  maxRssMb: number;
  spawns: number;
  batches: number;
  gpus: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** CPU seconds of reaped children (utime + stime of /proc/self/stat's cutime, cstime); null off Linux. */
function childCpuSeconds(): number | null {
  if (!existsSync('/proc/self/stat')) return null;
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After "pid (comm) ", field 3 is index 0: cutime and cstime are fields 16 and 17.
  const ticks = Number(fields[13]) + Number(fields[14]);
  return ticks / 100; // USER_HZ is 100 on Linux
}

interface Run {
  batches: number;
  gpus: number;
  appSpawns: number;
}

async function measure(name: string, run: (spawnLog: string) => Promise<Run>): Promise<Measured> {
  const spawnLog = join(dir, `${name}.spawns.log`);
  let maxRss = process.memoryUsage.rss();
  const rssTimer = setInterval(() => (maxRss = Math.max(maxRss, process.memoryUsage.rss())), 1000);
  const child0 = childCpuSeconds();
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  const { batches, gpus, appSpawns } = await run(spawnLog);
  const wallS = (performance.now() - wall0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const child1 = childCpuSeconds();
  clearInterval(rssTimer);
  const spawns = existsSync(spawnLog) ? readFileSync(spawnLog, 'utf8').trim().split('\n').length : 0;
  return {
    appSpawns,
    cpuPct: ((cpu.user + cpu.system) / 1e6 / wallS) * 100,
    childCpuPct: child0 === null || child1 === null ? null : ((child1 - child0) / wallS) * 100,
    maxRssMb: maxRss / (1024 * 1024),
    spawns,
    batches,
    gpus,
  };
}

/** Ours: the app's sampler on a vendor's stream (one long-lived child). */
async function ours(stream: TelemetryStream, spawnLog: string): Promise<Run> {
  let batches = 0;
  let gpus = 0;
  const sampler = new TelemetrySampler({
    stream,
    logger: silentLogger,
    nowMs: Date.now,
    onSamples: (samples) => {
      batches++;
      gpus = samples.length;
    },
    onStatus: (status) => {
      if (status.state === 'restarting') console.error(`[bench] sampler: ${status.message}`);
    },
    intervalMs,
    env: replayEnv({ IDLEGRID_REPLAY_SPAWN_LOG: spawnLog }),
  });
  sampler.start();
  await sleep(seconds * 1000);
  const appSpawns = sampler.status().spawns;
  await sampler.stop();
  return { batches, gpus, appSpawns };
}

/** The naive way: this process starts the vendor's tool once per reading and parses its answer. */
async function baseline(
  command: string,
  args: readonly string[],
  parse: (stdout: string, tMs: number) => number,
  spawnLog: string,
): Promise<Run> {
  let batches = 0;
  let gpus = 0;
  let appSpawns = 0;
  const env = replayEnv({ IDLEGRID_REPLAY_SPAWN_LOG: spawnLog });
  const inFlight = new Set<Promise<void>>();
  const poll = () => {
    const tMs = Date.now();
    appSpawns++;
    const done = new Promise<void>((resolve) => {
      execFile(command, [...args], { env, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 }, (error, stdout) => {
        if (!error) {
          batches++;
          gpus = parse(stdout, tMs);
        }
        resolve();
      });
    });
    inFlight.add(done);
    void done.then(() => inFlight.delete(done));
  };
  poll();
  const timer = setInterval(poll, intervalMs);
  await sleep(seconds * 1000);
  clearInterval(timer);
  await Promise.all(inFlight);
  return { batches, gpus, appSpawns };
}

const nvidiaReader = new TelemetryLineReader();
const parseNvidia = (stdout: string, tMs: number) =>
  stdout.split('\n').map((l) => nvidiaReader.read(l, tMs)).filter((s) => s !== null).length;
const parseRocm = (stdout: string, tMs: number) => parseRocmSmiTelemetry(stdout, tMs).length;

function line(name: string, m: Measured): string {
  const child = m.childCpuPct === null ? 'n/a' : `${m.childCpuPct.toFixed(2)}%`;
  return (
    `${name}: ${m.appSpawns} child(ren) started by this process, ${m.spawns} tool run(s), ${m.batches} batches of ${m.gpus} GPUs, ` +
    `this process ${m.cpuPct.toFixed(3)}% CPU (${(m.cpuPct / Math.max(1, m.gpus)).toFixed(4)}% per GPU), ` +
    `max RSS ${m.maxRssMb.toFixed(1)} MB, children ${child} CPU`
  );
}

async function main(): Promise<void> {
  try {
    console.log(`telemetry bench: ${seconds} s per phase, 8× V100S and 4× MI100 replays, ${intervalMs} ms interval`);
    // A fresh process (tsx compiling, V8 tiering up, startup garbage) burns CPU for a few
    // seconds by itself; let that pass, then measure what doing nothing costs, for scale.
    const settleS = Math.min(10, seconds);
    await sleep(settleS * 1000);
    const idle = await measure('idle', async () => {
      await sleep(settleS * 1000);
      return { batches: 0, gpus: 0, appSpawns: 0 };
    });
    console.log(`idle floor of this process (tsx, timers; nothing sampled): ${idle.cpuPct.toFixed(3)}% CPU`);
    const a = await measure('ours', (log) => ours(NVIDIA_TELEMETRY_STREAM, log));
    console.log(line('ours (one nvidia-smi -lms)', a));
    const b = await measure('baseline', (log) => baseline('nvidia-smi', telemetryQueryArgs(), parseNvidia, log));
    console.log(line('baseline (nvidia-smi per second)', b));
    const amd = await measure('amd', (log) => ours(AMD_TELEMETRY_STREAM, log));
    console.log(line('amd ours (one sh looping rocm-smi)', amd));
    const amdBase = await measure('amd-baseline', (log) => baseline('rocm-smi', ROCM_TELEMETRY_ARGS, parseRocm, log));
    console.log(line('amd baseline (this process spawns rocm-smi per second)', amdBase));
    // Per-GPU figures divide by the GPUs each phase really read: a phase that read none
    // measured nothing, and the bench says so instead of assuming a count.
    const counted = { ours: a.gpus, baseline: b.gpus, 'amd ours': amd.gpus, 'amd baseline': amdBase.gpus };
    const empty = Object.entries(counted).filter(([, n]) => n === 0).map(([name]) => name);
    if (empty.length > 0) throw new Error(`no GPU was read in: ${empty.join(', ')} (is fixtures/bin first on PATH?)`);
    const gpus = a.gpus;
    const cpuPerGpu = a.cpuPct / gpus;
    const baselineCpuPerGpu = b.cpuPct / b.gpus;
    const ratio = baselineCpuPerGpu > 0 ? cpuPerGpu / baselineCpuPerGpu : null;
    console.log(
      `ours uses ${ratio === null ? 'n/a' : `${(ratio * 100).toFixed(1)}%`} of the baseline's CPU; ` +
        `target: 1 spawn, ≤ 0.3% CPU per GPU → ${a.spawns === 1 && cpuPerGpu <= 0.3 ? 'met' : 'NOT met'}`,
    );
    const amdGpus = amd.gpus;
    const amdCpuPerGpu = amd.cpuPct / amdGpus;
    const amdBaselineCpuPerGpu = amdBase.cpuPct / amdBase.gpus;
    const amdRatio = amdBaselineCpuPerGpu > 0 ? amdCpuPerGpu / amdBaselineCpuPerGpu : null;
    console.log(
      `amd: ours uses ${amdRatio === null ? 'n/a' : `${(amdRatio * 100).toFixed(1)}%`} of the baseline's CPU in this process; ` +
        `target: 1 child started, ≤ 0.3% CPU per GPU → ${amd.appSpawns === 1 && amdCpuPerGpu <= 0.3 ? 'met' : 'NOT met'}`,
    );
    const round = (n: number, places = 4) => Number(n.toFixed(places));
    console.log(
      JSON.stringify({
        bench: 'telemetry',
        seconds,
        gpus,
        spawns: a.spawns,
        cpu_pct_per_gpu: round(cpuPerGpu),
        rss_mb: round(a.maxRssMb, 1),
        baseline_spawns: b.spawns,
        baseline_cpu_pct_per_gpu: round(baselineCpuPerGpu),
        ratio: ratio === null ? null : round(ratio),
        amd_gpus: amdGpus,
        amd_app_spawns: amd.appSpawns,
        amd_tool_runs: amd.spawns,
        amd_batches: amd.batches,
        amd_cpu_pct_per_gpu: round(amdCpuPerGpu),
        amd_rss_mb: round(amd.maxRssMb, 1),
        amd_baseline_app_spawns: amdBase.appSpawns,
        amd_baseline_cpu_pct_per_gpu: round(amdBaselineCpuPerGpu),
        amd_ratio: amdRatio === null ? null : round(amdRatio),
      }),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// tsx runs this file as CommonJS (the package has no "type": "module"): no top-level await.
void main();
