import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';

/**
 * The standalone hub (`hub/hub-cli.ts`) as a child process, for tests that kill it with
 * SIGKILL and start it again on the same data dir. Resolves once it prints its URL.
 */
export interface HubProcess {
  url: string;
  port: number;
  child: ChildProcess;
  output: string[];
  kill(signal?: NodeJS.Signals): Promise<void>;
}

const running = new Set<ChildProcess>();
const root = join(__dirname, '..', '..');

export function spawnHub(args: string[], timeoutMs = 30_000): Promise<HubProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'hub', 'hub-cli.ts'), ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  child.on('exit', () => running.delete(child));
  const output: string[] = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the hub did not start within ${timeoutMs} ms:\n${output.join('')}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      output.push(chunk.toString());
      const match = /Idlegrid hub: (http:\/\/\S+)/.exec(output.join(''));
      if (!match) return;
      clearTimeout(timer);
      const url = match[1]!;
      resolve({
        url,
        port: Number(new URL(url).port),
        child,
        output,
        kill: (signal = 'SIGKILL') =>
          new Promise<void>((done) => {
            if (child.exitCode !== null || child.signalCode !== null) return done();
            child.once('exit', () => done());
            child.kill(signal);
          }),
      });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`the hub exited (${code ?? signal}) before it was ready:\n${output.join('')}`));
    });
  });
}

export async function killAllHubs(): Promise<void> {
  await Promise.all(
    [...running].map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGKILL');
        }),
    ),
  );
}
