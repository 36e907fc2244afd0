import { chmodSync, chownSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HeadlessAuth } from '../transport/headless-auth';
import { createAppServices } from './app-services';

// Issue 14 item 6: the data dir holds renters' job env, wallets, the headless token and
// the sandbox faucet's secret, so other local users must not read any of it. The real
// app on a temp dir: every directory 0700 and every file 0600 after start, whether the
// files were there before (an install made by an older version, 0755/0644) or made by
// this run (databases and their WAL/SHM files, logs, wallets, the token).
const fixturesBin = resolve(__dirname, '../../fixtures/bin');
const savedPath = process.env.PATH;
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'idlegrid-modes-'));
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  symlinkSync(join(fixturesBin, 'nvidia-smi'), join(bin, 'nvidia-smi'));
  process.env.PATH = `${bin}:${savedPath}`;
});

afterAll(() => {
  process.env.PATH = savedPath;
  rmSync(dir, { recursive: true, force: true });
});

/** Every path under `root` (not following links) with its permission bits, as "path mode". */
function modesUnder(root: string): Array<{ path: string; mode: number; isDir: boolean }> {
  const found: Array<{ path: string; mode: number; isDir: boolean }> = [];
  const walk = (path: string, depth: number) => {
    const st = lstatSync(path);
    if (st.isSymbolicLink()) return;
    found.push({ path: relative(root, path) || '.', mode: st.mode & 0o777, isDir: st.isDirectory() });
    if (st.isDirectory() && depth < 12) for (const entry of readdirSync(path)) walk(join(path, entry), depth + 1);
  };
  walk(root, 0);
  return found;
}

function loose(root: string): string[] {
  return modesUnder(root)
    .filter((e) => (e.isDir ? e.mode !== 0o700 : e.mode !== 0o600))
    .map((e) => `${e.path} ${e.mode.toString(8)}`);
}

/** Runs the app on `dataDir`; returns the paths and the loose modes seen while it ran (WAL and SHM files exist only then). */
async function runApp(dataDir: string): Promise<{ names: string[]; looseWhileRunning: string[] }> {
  const app = createAppServices({ shell: 'headless', dataDir, version: '0.0.0-test' });
  try {
    await app.start();
    await app.handlers['wallet:unlock']({ passphrase: 'correct horse battery staple' });
    await app.handlers['wallet:create']({});
    HeadlessAuth.loadOrCreate(join(dataDir, 'headless-token'), false);
    expect(app.hub.status().status).toBe('ready');
    return { names: modesUnder(dataDir).map((e) => e.path), looseWhileRunning: loose(dataDir) };
  } finally {
    await app.stop();
  }
}

describe('data dir modes (issue 14 item 6)', () => {
  it('makes every directory 0700 and every file 0600, for files it creates and files an older install left open', async () => {
    const dataDir = join(dir, 'data');
    const { names, looseWhileRunning } = await runApp(dataDir);
    // The run made what matters: databases with WAL/SHM, logs, the wallet, the token, the hub's store.
    for (const expected of ['ledger.db', 'telemetry.db', 'logs/idlegrid.log', 'headless-token', 'hub/hub.db']) expect(names).toContain(expected);
    expect(names.some((n) => n.startsWith('wallets/'))).toBe(true);
    expect(names.filter((n) => /-(wal|shm)$/.test(n)).length).toBeGreaterThanOrEqual(4);
    expect(looseWhileRunning).toEqual([]);
    expect(loose(dataDir)).toEqual([]);

    // An older version left everything readable by all: the next start repairs it.
    for (const e of modesUnder(dataDir)) chmodSync(join(dataDir, e.path), e.isDir ? 0o755 : 0o644);
    writeFileSync(join(dataDir, 'ledger.db-shm'), '', { flag: 'a' });
    chmodSync(join(dataDir, 'ledger.db-shm'), 0o666);
    expect(loose(dataDir).length).toBeGreaterThan(5);
    const app = createAppServices({ shell: 'headless', dataDir, version: '0.0.0-test' });
    try {
      expect(loose(dataDir)).toEqual([]);
    } finally {
      await app.stop();
    }
  }, 120_000); // starts the whole app twice (chain, hub, telemetry)

  it('refuses to start on a data dir holding a file another user owns, and says which and what to do', async () => {
    if (process.getuid?.() !== 0) {
      console.log('skipped: only root can give a file to another user to set this case up');
      return;
    }
    const dataDir = join(dir, 'foreign');
    mkdirSync(dataDir, { mode: 0o700 });
    const planted = join(dataDir, 'ledger.db');
    writeFileSync(planted, '');
    chownSync(planted, 65534, 65534);
    expect(() => createAppServices({ shell: 'headless', dataDir, version: '0.0.0-test' })).toThrow(/ledger\.db.*(owned by|belongs to) another user/s);
  });
});
