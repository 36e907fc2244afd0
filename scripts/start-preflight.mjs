// What `npm start` checks before it launches anything, so a failed install reads as what
// happened and what to run instead of a raw stack: the Node version, Electron's binary,
// the native SQLite module, and a free port for the headless server.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

export const DEFAULT_PORT = 5190;
/** How many ports after the default `npm start` tries before it lets the system pick one. */
const PORTS_TO_TRY = 10;

/** "20.19.0" → [20, 19, 0]. */
function versionParts(version) {
  return version.replace(/^v/, '').split('.').map((n) => Number.parseInt(n, 10) || 0);
}

function atLeast(version, [major, minor]) {
  const [a, b] = versionParts(version);
  return a > major || (a === major && b >= minor);
}

/**
 * Null when this Node runs Idlegrid; otherwise what to do. Node 20.19+ runs everything but
 * the desktop download (Electron 45's installer needs 22.12+); older Node cannot build it.
 */
export function nodeVersionProblem(version = process.version) {
  if (atLeast(version, [22, 12]) || (versionParts(version)[0] === 20 && atLeast(version, [20, 19]))) return null;
  return `Idlegrid needs Node 22.12 or newer (Node 20.19+ works headless only); this is Node ${version.replace(/^v/, '')}. Install a current Node (https://nodejs.org), then run \`npm install\` and \`npm start\` again.`;
}

/** Electron's binary as its package records it; `require('electron')` would try to download it. */
export function electronBinary(root) {
  const pkg = join(root, 'node_modules', 'electron');
  const pathFile = join(pkg, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const binary = join(pkg, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(binary) ? binary : null;
}

/** Why there is no desktop binary, in words, with what to run. */
export function electronMissingText(root, env = process.env, version = process.version) {
  if (!existsSync(join(root, 'node_modules', 'electron'))) return 'Electron is not installed (run `npm install` first).';
  if (env.ELECTRON_SKIP_BINARY_DOWNLOAD) return "Electron's binary was not downloaded (ELECTRON_SKIP_BINARY_DOWNLOAD is set).";
  const why = atLeast(version, [22, 12]) ? 'its download failed or was blocked (no internet, or a proxy)' : `its installer needs Node 22.12+, and this is Node ${version.replace(/^v/, '')}`;
  return `Electron's binary is not installed: ${why}. For the desktop app, run \`node node_modules/electron/install.js\` (or \`npm rebuild electron\`) with internet access.`;
}

/**
 * Null when better-sqlite3's native module loads in this Node; otherwise what happened and
 * what to run. A failed node-gyp build during `npm install` otherwise surfaces later as a
 * stack trace from the app's first database open.
 */
export function nativeModuleProblem(root, run = spawnSync) {
  const probe = run(process.execPath, ['-e', "new (require('better-sqlite3'))(':memory:').close()"], { cwd: root, encoding: 'utf8' });
  if (probe.status === 0) return null;
  const detail = `${probe.stderr ?? ''}`.split('\n').find((l) => /Error|error:/.test(l))?.trim() ?? 'it did not load';
  return (
    `SQLite's native module (better-sqlite3) is not usable: ${detail.slice(0, 200)}\n` +
    'Its build during `npm install` failed or was for another Node version. Run `npm rebuild better-sqlite3` ' +
    '(it needs python3, make and a C++ compiler: `apt-get install python3 make g++` on Debian/Ubuntu, Xcode command-line tools on macOS), then `npm start` again.'
  );
}

/** True when nothing listens on `port` of `host`. */
export function portIsFree(port, host = '127.0.0.1') {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/**
 * The port for the headless server: the one asked for with --port as is (its owner chose
 * it), else 5190, else the next free one of the ten after it, else 0 (the system picks).
 * Returns the arguments to pass on and a line to print when the default was taken.
 */
export async function choosePort(args, isFree = portIsFree) {
  if (args.some((a) => a === '--port' || a.startsWith('--port='))) return { args, note: null };
  for (let port = DEFAULT_PORT; port < DEFAULT_PORT + PORTS_TO_TRY; port++) {
    if (await isFree(port)) {
      return { args: port === DEFAULT_PORT ? args : ['--port', String(port), ...args], note: port === DEFAULT_PORT ? null : `Port ${DEFAULT_PORT} is taken (another Idlegrid?): using ${port}.` };
    }
  }
  return { args: ['--port', '0', ...args], note: `Ports ${DEFAULT_PORT}–${DEFAULT_PORT + PORTS_TO_TRY - 1} are taken: using a free port the system picks (printed below).` };
}
