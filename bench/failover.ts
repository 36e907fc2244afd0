import { fork, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { HubHttpClient } from '../hub-client/hub-http-client';
import { startPrivatePostgres } from '../hub/testing/private-postgres';
import { percentile, round } from '../hub/testing/synthetic-market';
import { createTestWallet } from '../hub/testing/test-wallet';

// `npm run bench -- failover`: WORKERS real worker sessions (WorkerClient over WebSocket, in
// client processes of their own) on instance A of two hub instances serving one PostgreSQL
// database; A is killed with SIGKILL and each session's time from the kill to its next
// welcome (registered on instance B, which serves all along) is measured: `p99_ms`.
// Baseline in the same run: the same sessions on a SQLite hub that is killed and restarted
// at once on the same data dir and port (what a supervisor does for one instance).
const root = resolve(__dirname, '..');
const workers = Number(process.env.BENCH_WORKERS ?? 5_000);
const swarmCount = Number(process.env.BENCH_CLIENT_PROCESSES ?? 2);
const wallets = Number(process.env.BENCH_WALLETS ?? 20);
const timeoutMs = Number(process.env.BENCH_TIMEOUT_MS ?? 60_000);
const tsx = ['--import', 'tsx'];
const children = new Set<ChildProcess>();
const startedAt = Date.now();
const log = (text: string) => console.log(`[${((Date.now() - startedAt) / 1000).toFixed(0)} s] ${text}`);

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

function startHub(args: string[]): { child: ChildProcess; url: Promise<string> } {
  const child = spawn(process.execPath, [...tsx, 'hub/hub-cli.ts', ...args], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  children.add(child);
  let text = '';
  const url = new Promise<string>((ok, fail) => {
    child.stdout!.on('data', (d: Buffer) => {
      text += d.toString();
      const match = /Idlegrid hub: (http:\/\/\S+)/.exec(text);
      if (match) ok(match[1]!);
    });
    child.once('exit', (code, signal) => fail(new Error(`hub exited (${code ?? signal}): ${text.slice(-2000)}`)));
  });
  url.catch(() => undefined);
  return { child, url };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((ok) => server.close(() => ok()));
  return port;
}

function hubArgs(port: number, dataDir: string, store: string | null): string[] {
  // No payments here: any RPC will do. Every session comes from 127.0.0.1, like a farm behind one NAT.
  return [
    '--port', String(port), '--data-dir', dataDir, ...(store ? ['--store', store] : []),
    '--rpc', 'http://127.0.0.1:9', '--mint', 'So11111111111111111111111111111111111111112', '--connect-rate', '5000', '--max-sockets-per-address', '1000000',
  ];
}

/** Opens the sessions, kills the hub, runs `afterKill`, and returns each session's ms from the kill to its next welcome. */
async function measure(urls: string[], kill: () => void, afterKill: () => Promise<void>): Promise<{ delays: number[]; missing: number }> {
  const tokens: string[] = [];
  for (let i = 0; i < wallets; i++) {
    const wallet = createTestWallet();
    tokens.push((await new HubHttpClient({ baseUrl: urls[0]! }).signIn(wallet.address, wallet.signMessage, 'worker')).token);
  }
  const swarms = await Promise.all(
    Array.from({ length: swarmCount }, async () => {
      const child = fork(join(root, 'hub', 'testing', 'heartbeat-swarm.ts'), [], { execArgv: tsx, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      children.add(child);
      await waitFor(child, 'ready');
      return child;
    }),
  );
  const per = Math.ceil(workers / swarmCount);
  log(`opening ${per * swarmCount} worker sessions…`);
  const grown = await Promise.all(
    swarms.map((s, i) => {
      s.send({ cmd: 'grow', count: per, hubUrl: urls[0], otherHubUrls: urls.slice(1), tokens, prefix: `fo-${i}`, reconnectMinMs: 250, reconnectMaxMs: 2_000 });
      return waitFor<{ sessions: number; failed: number }>(s, 'grown');
    }),
  );
  // Sessions that never connected cannot fail over: say so rather than measure nothing.
  const open = grown.reduce((n, g) => n + g.sessions, 0);
  log(`${open} sessions open, ${grown.reduce((n, g) => n + g.failed, 0)} failed to open`);
  if (open === 0) throw new Error('no worker session opened: check the sign-in audience and the hub limits');
  await Promise.all(
    swarms.map((s) => {
      s.send({ cmd: 'arm', timeoutMs });
      return waitFor(s, 'armed');
    }),
  );
  const welcomed = swarms.map((s) => waitFor<{ welcomedAtMs: Array<number | null> }>(s, 'welcomed'));
  const killedAtMs = Date.now();
  kill();
  log('killed; waiting for every session to be welcomed again…');
  await afterKill();
  const all = (await Promise.all(welcomed)).flatMap((w) => w.welcomedAtMs);
  for (const s of swarms) s.send({ cmd: 'exit' });
  const delays = all.filter((t): t is number => t !== null).map((t) => t - killedAtMs).sort((a, b) => a - b);
  return { delays, missing: all.length - delays.length };
}

const summary = (r: { delays: number[]; missing: number }) => ({
  p50_ms: round(percentile(r.delays, 50), 0),
  p99_ms: round(percentile(r.delays, 99), 0),
  max_ms: round(r.delays.at(-1) ?? 0, 0),
  registered: r.delays.length,
  not_registered: r.missing,
});

async function main(): Promise<void> {
  const dirs = [0, 1, 2].map(() => mkdtempSync(join(tmpdir(), 'idlegrid-bench-failover-')));
  const cluster = await startPrivatePostgres();
  try {
    const store = await cluster.createDatabase('failover');
    const [portA, portB] = [await freePort(), await freePort()];
    const active = startHub(hubArgs(portA, dirs[0]!, store));
    const urlA = await active.url;
    const other = startHub(hubArgs(portB, dirs[1]!, store));
    const urlB = await other.url;
    log(`instance A ${urlA} (killed), instance B ${urlB}; ${workers} workers on A`);
    const ours = await measure([urlA, urlB], () => active.child.kill('SIGKILL'), async () => undefined);
    other.child.kill('SIGTERM');
    await cluster.stop();
    // Printed now too: the baseline takes as long again, and a run cut short keeps this.
    console.log(JSON.stringify({ phase: 'postgres', workers, ...summary(ours) }));

    log('baseline: a SQLite hub killed and restarted at once on the same data dir and port…');
    const port = await freePort();
    const sqliteHub = startHub(hubArgs(port, dirs[2]!, null));
    const url = await sqliteHub.url;
    let restarted: ReturnType<typeof startHub> | null = null;
    const base = await measure(
      [url],
      () => sqliteHub.child.kill('SIGKILL'),
      async () => {
        await new Promise((ok) => sqliteHub.child.once('exit', ok));
        restarted = startHub(hubArgs(port, dirs[2]!, null));
        await restarted.url;
      },
    );
    (restarted as ReturnType<typeof startHub> | null)?.child.kill('SIGTERM');

    const o = summary(ours);
    const b = summary(base);
    console.log(
      JSON.stringify({
        bench: 'failover',
        workers,
        ...o,
        target: { p99_ms: 10_000 },
        instances: 2,
        baseline: { name: 'SQLite hub killed and restarted at once (one instance)', ...b },
        p99_ratio_vs_baseline: round(o.p99_ms / Math.max(1, b.p99_ms), 2),
        load_avg_1m: round(loadavg()[0]!, 2),
      }),
    );
  } finally {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await cluster.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
