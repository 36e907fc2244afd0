import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/**
 * A PostgreSQL cluster of a test's own: `initdb` into a temp dir and `pg_ctl start`, listening
 * only on a unix socket inside that dir (no TCP port, nothing another test or a system
 * PostgreSQL can collide with). PostgreSQL refuses to run as root, so under root the cluster
 * runs as the unprivileged `postgres` user that Debian's package creates. `stop()` stops it
 * (fast shutdown) and deletes the dir; `process.on('exit')` does the same for a test that dies.
 */
export interface PrivatePostgres {
  /** The socket dir: `host` for pg, or `postgres://postgres@/DB?host=<socketDir>`. */
  readonly socketDir: string;
  readonly port: number;
  /** A URL for database `database` on this cluster. */
  url(database: string): string;
  /** Creates an empty database and returns its URL. */
  createDatabase(name: string): Promise<string>;
  /**
   * Stops the server the way a power cut would (`-m immediate`: no checkpoint, no flush of
   * anything not already in the WAL on disk), then starts it again on the same data.
   */
  crashAndRestart(): Promise<void>;
  stop(): Promise<void>;
}

const BIN_DIRS = ['/usr/lib/postgresql'];

/** Debian keeps initdb and pg_ctl under /usr/lib/postgresql/<version>/bin, not on PATH. */
export function postgresBinDir(): string | null {
  for (const base of BIN_DIRS) {
    if (!existsSync(base)) continue;
    const versions = readdirSync(base)
      .filter((v) => existsSync(join(base, v, 'bin', 'pg_ctl')))
      .sort((a, b) => Number(b) - Number(a));
    if (versions[0]) return join(base, versions[0], 'bin');
  }
  const which = spawnSync('sh', ['-c', 'command -v pg_ctl'], { encoding: 'utf8' });
  const found = which.stdout.trim();
  return which.status === 0 && found ? join(found, '..') : null;
}

/**
 * Whether PostgreSQL's binaries are here; when not, prints why the tests that need them
 * skip (like the Docker tests without DOCKER_HOST) and returns false.
 */
export function postgresAvailable(what: string): boolean {
  if (postgresBinDir()) return true;
  console.warn(`[test] skipping ${what}: PostgreSQL is not installed (apt-get install postgresql; .ci/run installs it).`);
  return false;
}

const started = new Set<{ stopSync(): void }>();
process.on('exit', () => {
  for (const s of started) s.stopSync();
});

/** Starts a cluster; throws with PostgreSQL's own words when it cannot (not installed, initdb failed). */
export async function startPrivatePostgres(options: { fsync?: boolean } = {}): Promise<PrivatePostgres> {
  const binDir = postgresBinDir();
  if (!binDir) throw new Error('PostgreSQL is not installed (apt-get install postgresql; .ci/run does).');
  const asRoot = process.getuid?.() === 0;
  const user = asRoot ? 'postgres' : userInfo().username;
  const dir = mkdtempSync(join(tmpdir(), 'idlegrid-pg-'));
  const dataDir = join(dir, 'data');
  const ids = asRoot ? { uid: Number(execFileSync('id', ['-u', user]).toString()), gid: Number(execFileSync('id', ['-g', user]).toString()) } : null;
  if (ids) chownSync(dir, ids.uid, ids.gid);
  const run = (cmd: string, args: string[]) => {
    const result = spawnSync(join(binDir, cmd), args, { encoding: 'utf8', ...(ids ?? {}), cwd: dir, timeout: 60_000 });
    if (result.status !== 0) throw new Error(`${cmd} failed (${result.status ?? result.signal}): ${result.stderr || result.stdout || result.error?.message}`);
  };
  const port = 5432; // only the socket file's name: listen_addresses is empty, no TCP
  let stopped = false;
  const stopSync = () => {
    if (stopped) return;
    stopped = true;
    spawnSync(join(binDir, 'pg_ctl'), ['stop', '-D', dataDir, '-m', 'immediate', '-w'], { ...(ids ?? {}), cwd: dir, timeout: 30_000 });
    rmSync(dir, { recursive: true, force: true });
  };
  const handle = { stopSync };
  let settings = '';
  try {
    run('initdb', ['-D', dataDir, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--locale=C', '--no-instructions']);
    started.add(handle);
    settings = [
      "-c listen_addresses=''",
      `-c unix_socket_directories=${dir}`,
      `-c port=${port}`,
      '-c max_connections=300',
      '-c shared_buffers=64MB',
      // Benchmarks may turn fsync off to measure the hub, not this machine's disk; tests keep it.
      `-c fsync=${options.fsync === false ? 'off' : 'on'}`,
    ].join(' ');
    run('pg_ctl', ['start', '-D', dataDir, '-w', '-t', '60', '-l', join(dir, 'postgres.log'), '-o', settings]);
  } catch (error) {
    stopSync();
    started.delete(handle);
    throw error;
  }
  const url = (database: string) => `postgres://postgres@/${database}?host=${encodeURIComponent(dir)}&port=${port}`;
  return {
    socketDir: dir,
    port,
    url,
    async createDatabase(name) {
      const admin = new pg.Client({ host: dir, port, user: 'postgres', database: 'postgres' });
      await admin.connect();
      try {
        await admin.query(`CREATE DATABASE "${name.replace(/"/g, '')}"`);
      } finally {
        await admin.end();
      }
      return url(name);
    },
    async crashAndRestart() {
      run('pg_ctl', ['stop', '-D', dataDir, '-m', 'immediate', '-w']);
      run('pg_ctl', ['start', '-D', dataDir, '-w', '-t', '60', '-l', join(dir, 'postgres.log'), '-o', settings]);
    },
    async stop() {
      await new Promise<void>((resolve) => {
        if (stopped) return resolve();
        stopped = true;
        started.delete(handle);
        const child = spawn(join(binDir, 'pg_ctl'), ['stop', '-D', dataDir, '-m', 'fast', '-w'], { ...(ids ?? {}), cwd: dir, stdio: 'ignore' });
        const done = () => {
          rmSync(dir, { recursive: true, force: true });
          resolve();
        };
        child.once('exit', done);
        child.once('error', done);
      });
    },
  };
}
