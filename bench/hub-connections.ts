import { fork, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { HubHttpClient } from '../hub-client/hub-http-client';
import { percentile, round } from '../hub/testing/synthetic-market';
import { createTestWallet } from '../hub/testing/test-wallet';
import { sampleProc } from './_proc-stats';
import { startPrivatePostgres } from '../hub/testing/private-postgres';
import type { PrivatePostgres } from '../hub/testing/private-postgres';

// `npm run bench -- hub-connections`: real WebSocket worker sessions on loopback, each
// signed in, saying hello and heartbeating every 5 s (the hub's default), held by client
// processes separate from the hub. Sessions grow in steps; at each step the heartbeat
// round trips are measured for a while. `sessions` is the largest step whose heartbeat p99
// stays ≤ 50 ms (a round trip measured by the clients, so it includes their own scheduling). The hub's RSS growth per session is read from /proc. Baseline in the same
// run: a bare `ws` server that only echoes heartbeats, at the same session count.
// The hard open-files limit here is 20,000 per process, which caps one hub near 19,900.
// BENCH_INSTANCES=2: two hub instances on one private PostgreSQL (LISTEN/NOTIFY between
// them), each client process on one of them; RSS is the two hubs' together.
const root = resolve(__dirname, '..');
const steps = (process.env.BENCH_STEPS ?? '1000,5000,10000,15000,19000').split(',').map(Number);
const measureMs = Number(process.env.BENCH_MEASURE_MS ?? 12_000);
const heartbeatMs = Number(process.env.BENCH_HEARTBEAT_MS ?? 5_000);
const swarmCount = Number(process.env.BENCH_CLIENT_PROCESSES ?? 2);
const wallets = Number(process.env.BENCH_WALLETS ?? 20);
const P99_LIMIT_MS = 50;
const instances = Number(process.env.BENCH_INSTANCES ?? 1);

const children = new Set<ChildProcess>();
const tsx = ['--import', 'tsx'];

function waitFor<T>(child: ChildProcess, event: string): Promise<T> {
  return new Promise((ok, fail) => {
    const onExit = (code: number | null) => fail(new Error(`client process exited (${code})`));
    const onMessage = (m: { event: string }) => {
      if (m.event !== event) return;
      child.off('message', onMessage);
      child.off('exit', onExit);
      ok(m as T);
    };
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

const startedAt = Date.now();
const log = (text: string) => console.log(`[${((Date.now() - startedAt) / 1000).toFixed(0)} s] ${text}`);

function startProcess(args: string[], readyPattern: RegExp): Promise<{ child: ChildProcess; match: RegExpExecArray }> {
  const child = spawn(process.execPath, [...tsx, ...args], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  children.add(child);
  let text = '';
  return new Promise((ok, fail) => {
    child.stdout!.on('data', (d: Buffer) => {
      text += d.toString();
      const match = readyPattern.exec(text);
      if (match) ok({ child, match });
    });
    child.once('exit', (code) => fail(new Error(`process exited (${code}): ${text}`)));
  });
}

interface StepResult {
  sessions: number;
  connected: number;
  failed: number;
  heartbeat_p50_ms: number;
  heartbeat_p99_ms: number;
  samples: number;
  rss_kb: number;
}

const rssOf = (pids: number[]) => pids.reduce((sum, pid) => sum + sampleProc(pid).rssKb, 0);

async function runSteps(urls: string[], pids: number[], tokens: string[], stepList: number[], stopOverLimit: boolean): Promise<{ idleRssKb: number; results: StepResult[] }> {
  const swarms = await Promise.all(
    Array.from({ length: swarmCount }, async () => {
      const child = fork(join(root, 'hub', 'testing', 'heartbeat-swarm.ts'), [], { execArgv: tsx, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      children.add(child);
      await waitFor(child, 'ready');
      return child;
    }),
  );
  const idleRssKb = rssOf(pids);
  const results: StepResult[] = [];
  for (const step of stepList) {
    const per = Math.ceil(step / swarmCount);
    log(`growing to ${step} sessions…`);
    const grown = await Promise.all(
      swarms.map((s, i) => {
        s.send({ cmd: 'grow', count: per, hubUrl: urls[i % urls.length], tokens, prefix: `bench-${i}` });
        return waitFor<{ sessions: number; failed: number }>(s, 'grown');
      }),
    );
    log(`${step} sessions open; settling, then measuring for ${measureMs} ms…`);
    await new Promise((r) => setTimeout(r, heartbeatMs)); // let the connect burst settle
    const measured = await Promise.all(
      swarms.map((s) => {
        s.send({ cmd: 'measure', ms: measureMs });
        return waitFor<{ rtts: number[]; connected: number }>(s, 'measured');
      }),
    );
    const rtts = measured.flatMap((m) => m.rtts).sort((a, b) => a - b);
    const result: StepResult = {
      sessions: per * swarmCount,
      connected: measured.reduce((n, m) => n + m.connected, 0),
      failed: grown.reduce((n, g) => n + g.failed, 0),
      heartbeat_p50_ms: percentile(rtts, 50),
      heartbeat_p99_ms: percentile(rtts, 99),
      samples: rtts.length,
      rss_kb: rssOf(pids),
    };
    results.push(result);
    console.log(JSON.stringify({ step: result }));
    // Go on past a step over the limit (one noisy window on a shared machine should not end
    // the run), but not past one where sessions could not all be held or p99 is far off.
    if (stopOverLimit && (result.connected < result.sessions || result.heartbeat_p99_ms > 10 * P99_LIMIT_MS)) break;
  }
  for (const s of swarms) s.send({ cmd: 'exit' });
  await Promise.all(swarms.map((s) => new Promise((r) => (s.exitCode !== null ? r(null) : s.once('exit', r)))));
  return { idleRssKb, results };
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'idlegrid-bench-hub-'));
  try {
    // The hub needs a chain only for payments, which this benchmark makes none of. Every
    // client here shares one address, like a farm behind one NAT: raise the per-address
    // connect rate as such a farm's operator would.
    let pg: PrivatePostgres | null = null;
    const store: string[] = [];
    if (instances > 1) {
      pg = await startPrivatePostgres();
      store.push('--store', await pg.createDatabase('connections'));
    }
    const hubs = [];
    for (let i = 0; i < instances; i++) {
      hubs.push(
        await startProcess(
          ['hub/hub-cli.ts', '--port', '0', '--data-dir', join(dataDir, `hub-${i}`), ...store, '--rpc', 'http://127.0.0.1:9', '--mint', 'So11111111111111111111111111111111111111112', '--heartbeat-interval-ms', String(heartbeatMs), '--connect-rate', '5000', '--max-sockets-per-address', '1000000'],
          /Idlegrid hub: (http:\/\/\S+)/,
        ),
      );
    }
    const urls = hubs.map((h) => h.match[1]!);
    const url = urls[0]!;
    const tokens: string[] = [];
    for (let i = 0; i < wallets; i++) {
      const wallet = createTestWallet();
      const client = new HubHttpClient({ baseUrl: url });
      tokens.push((await client.signIn(wallet.address, wallet.signMessage, 'worker')).token);
    }
    log(`hub at ${urls.join(' and ')}; steps ${steps.join(', ')} sessions, ${measureMs} ms each…`);
    const ours = await runSteps(urls, hubs.map((h) => h.child.pid!), tokens, steps, true);
    for (const h of hubs) h.child.kill('SIGTERM');
    await pg?.stop();

    // A step with no heartbeat measured proves nothing: it never passes.
    const passing = ours.results.filter((r) => r.samples > 0 && r.heartbeat_p99_ms <= P99_LIMIT_MS && r.connected >= r.sessions);
    const best = passing.at(-1) ?? ours.results[0]!;
    log(`baseline: bare ws heartbeat echo at ${best.sessions} sessions…`);
    const { child: bare, match: portMatch } = await startProcess(['hub/testing/bare-heartbeat-server.ts', String(heartbeatMs)], /port (\d+)/);
    const base = await runSteps([`http://127.0.0.1:${portMatch[1]}`], [bare.pid!], ['x'], [best.sessions], false);
    bare.kill('SIGTERM');
    const baseline = base.results[0]!;
    const perSession = (r: StepResult, idle: number) => round((r.rss_kb - idle) / r.sessions, 2);

    console.log(
      JSON.stringify({
        bench: 'hub-connections',
        instances,
        sessions: passing.length > 0 ? best.sessions : 0,
        heartbeat_p99_ms: best.heartbeat_p99_ms,
        heartbeat_p50_ms: best.heartbeat_p50_ms,
        heartbeat_interval_ms: heartbeatMs,
        rss_kb_per_session: perSession(best, ours.idleRssKb),
        hub_rss_mb: round(best.rss_kb / 1024, 1),
        steps: ours.results.map((r) => ({ sessions: r.sessions, p99_ms: r.heartbeat_p99_ms, connected: r.connected })),
        baseline: {
          name: 'bare ws server echoing heartbeats',
          sessions: baseline.sessions,
          heartbeat_p99_ms: baseline.heartbeat_p99_ms,
          rss_kb_per_session: perSession(baseline, base.idleRssKb),
        },
        rss_ratio_vs_baseline: round(perSession(best, ours.idleRssKb) / Math.max(0.01, perSession(baseline, base.idleRssKb)), 2),
        // Other processes on this machine share its two cores: the 1-minute load average at the end.
        load_avg_1m: round(loadavg()[0]!, 2),
        target: { sessions: instances > 1 ? 20_000 : 10_000, heartbeat_p99_ms: 50 },
      }),
    );
  } finally {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  }
}

void main();
