import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '../..');

export interface GridHub {
  /** e.g. http://127.0.0.1:41234 — what a supplier or renter types in Settings. */
  url: string;
  /** The hub's own sandbox chain (every machine of the grid pays on it). */
  rpcUrl: string;
  mint: string;
  output: () => string;
  stop(): Promise<void>;
}

export interface GridHubOptions {
  /** Hub timing flags (ms), e.g. { 'increment-ms': 20000 } for short increments. */
  timing?: Record<string, number>;
}

/**
 * A private grid's hub as its operator starts it: `npm run hub -- --sandbox-chain` on a
 * free loopback port with a data dir of its own. Waits for the two lines it prints.
 */
export async function startGridHub(options: GridHubOptions = {}): Promise<GridHub> {
  const dataDir = mkdtempSync(join(tmpdir(), 'idlegrid-e2e-hub-'));
  const flags = Object.entries(options.timing ?? {}).flatMap(([flag, ms]) => [`--${flag}`, String(ms)]);
  const child: ChildProcess = spawn(
    join(root, 'node_modules', '.bin', 'tsx'),
    [join(root, 'hub', 'hub-cli.ts'), '--port', '0', '--data-dir', dataDir, '--sandbox-chain', ...flags],
    { cwd: root, env: process.env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const { url, rpcUrl, mint } = await new Promise<{ url: string; rpcUrl: string; mint: string }>((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`the hub did not start in 60 s:\n${output}`)), 60_000);
    const onData = () => {
      const hub = /Idlegrid hub: (http:\/\/\S+)/.exec(output);
      const chain = /Chain: sandbox at (http:\/\/\S+), USDC mint (\S+)/.exec(output);
      if (!hub || !chain) return;
      clearTimeout(timer);
      child.stdout!.off('data', onData);
      done({ url: hub[1]!, rpcUrl: chain[1]!, mint: chain[2]! });
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`the hub exited (${code}) before it was ready:\n${output}`));
    });
  });
  return {
    url,
    rpcUrl,
    mint,
    output: () => output,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((done) => child.once('exit', done));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((done) => setTimeout(done, 10_000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
