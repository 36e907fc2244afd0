import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Page } from '@playwright/test';

const root = resolve(__dirname, '../..');
export const FIXTURES_BIN = join(root, 'fixtures', 'bin');
export const FIXTURES_GPU = join(root, 'fixtures', 'gpu');

export interface HeadlessAppOptions {
  /** nvidia-smi capture the replay serves; null runs with no nvidia-smi on PATH at all. */
  nvidiaCapture?: string | null;
  /** Also put the rocm-smi replay (4× MI100) on PATH. */
  withRocm?: boolean;
  env?: Record<string, string>;
  dataDir?: string;
  /**
   * Keep the first-run welcome (a modal on a fresh Sandbox data dir) for the spec to
   * answer; by default `open` answers it with Skip, as a returning user would have.
   */
  keepWelcome?: boolean;
}

export interface HeadlessApp {
  /** The printed access URL, with its token. */
  accessUrl: string;
  origin: string;
  dataDir: string;
  output: () => string;
  /** Opens the app in the page through the access link and waits for the shell. */
  open(page: Page, hash?: string): Promise<void>;
  stop(): Promise<void>;
  /**
   * Kills the app process with SIGKILL (no shutdown code runs), as a crash or power cut
   * would; the data dir stays, so `startHeadlessApp({ dataDir })` starts it again.
   */
  kill9(): Promise<void>;
}

/**
 * Starts `npm run serve` (scripts/serve.mjs) on a free loopback port with its own data
 * dir, with the hardware-edge replays first on PATH, and waits for the printed URL.
 * The one launch helper every spec uses.
 */
export async function startHeadlessApp(options: HeadlessAppOptions = {}): Promise<HeadlessApp> {
  const ownDir = mkdtempSync(join(tmpdir(), 'idlegrid-e2e-'));
  const dataDir = options.dataDir ?? join(ownDir, 'data');
  const capture = options.nvidiaCapture === undefined ? 'nvidia-smi-q-x.v100s-x8.xml' : options.nvidiaCapture;
  // The simulated machine's own tools: only the replays it should have, first on PATH.
  const machineBin = join(ownDir, 'bin');
  mkdirSync(machineBin);
  const tools = [...(capture ? ['nvidia-smi'] : []), ...(options.withRocm ? ['rocm-smi'] : [])];
  for (const tool of tools) symlinkSync(join(FIXTURES_BIN, tool), join(machineBin, tool));
  const path = `${machineBin}:${withoutGpuTools(process.env.PATH ?? '')}`;
  const child: ChildProcess = spawn(process.execPath, [join(root, 'scripts', 'serve.mjs'), '--port', '0', '--data-dir', dataDir], {
    cwd: root,
    env: {
      ...process.env,
      PATH: path,
      ...(capture ? { IDLEGRID_REPLAY_NVIDIA_XML: join(FIXTURES_GPU, capture) } : {}),
      ...(process.env.IDLEGRID_BUILT ? { IDLEGRID_SKIP_BUILD: '1' } : {}),
      // The test registry is on 127.0.0.1: this owner allow-lists it (issue 14, item 5).
      IDLEGRID_ALLOWED_REGISTRIES: '127.0.0.1:*',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));

  const accessUrl = await new Promise<string>((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`serve did not print its URL in 120 s:\n${output}`)), 120_000);
    const onData = () => {
      const match = /Open: (http:\/\/\S+)/.exec(output);
      if (!match) return;
      clearTimeout(timer);
      child.stdout!.off('data', onData);
      done(match[1]!);
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`serve exited (${code}) before printing its URL:\n${output}`));
    });
  });

  const exited = () => child.exitCode !== null || child.signalCode !== null;
  return {
    accessUrl,
    origin: new URL(accessUrl).origin,
    dataDir,
    output: () => output,
    async open(page, hash = '#/home') {
      await page.goto(accessUrl);
      if (hash) await page.goto(`${new URL(accessUrl).origin}/${hash}`);
      await page.getByTestId('nav-home').waitFor();
      if (!options.keepWelcome) await skipWelcome(page);
    },
    async kill9() {
      // serve.mjs runs the app (out/main/headless.js) as its child: kill that first.
      for (const pid of childPids(child.pid!)) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      if (!exited()) {
        const gone = new Promise((done) => child.once('exit', done));
        child.kill('SIGKILL');
        await gone;
      }
    },
    async stop() {
      if (!exited()) {
        const exited = new Promise((done) => child.once('exit', done));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((done) => setTimeout(done, 10_000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      rmSync(ownDir, { recursive: true, force: true });
    },
  };
}

/**
 * Answers the first-run welcome with Skip if it shows (it does on a fresh Sandbox data dir).
 * Waits for the app to decide (the dialog, or its "not due" marker) rather than a fixed time,
 * so a slow start on a loaded machine cannot open the dialog after the spec moved on.
 */
async function skipWelcome(page: Page): Promise<void> {
  const skip = page.getByTestId('welcome-skip');
  await skip.or(page.getByTestId('welcome-not-due')).first().waitFor({ state: 'attached', timeout: 60_000 });
  if ((await skip.count()) === 0) return; // answered before, or not on Sandbox
  await skip.click();
  await page.getByTestId('welcome-dialog').waitFor({ state: 'detached' });
}

/** Direct children of a process (Linux /proc), for killing the app under serve.mjs. */
function childPids(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** PATH without directories holding a real or replayed GPU tool, so only ours are seen. */
function withoutGpuTools(path: string): string {
  return path
    .split(':')
    .filter((dir) => dir && !existsSync(join(dir, 'nvidia-smi')) && !existsSync(join(dir, 'rocm-smi')))
    .join(':');
}
