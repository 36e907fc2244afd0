#!/usr/bin/env node
// `npm run serve -- [--port N] [--host ADDR --self-signed] [--data-dir DIR]`: the headless app
// (any --host but loopback needs --self-signed or --tls-cert/--tls-key; see README).
// Builds main and the renderer first when the sources changed since the last build,
// so a fresh clone and a just-edited tree both serve what is on disk.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const stamp = join(root, 'out', '.build-stamp');

function newestMtimeMs(path) {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(path)) {
    if (entry === 'node_modules' || entry.endsWith('.test.ts')) continue;
    newest = Math.max(newest, newestMtimeMs(join(path, entry)));
  }
  return newest;
}

const sources = ['main', 'preload', 'renderer', 'common', 'hub', 'electron.vite.config.ts', 'package.json']
  .map((p) => join(root, p))
  .filter(existsSync);
const stale = !existsSync(stamp) || Math.max(...sources.map(newestMtimeMs)) > statSync(stamp).mtimeMs;

if (stale && process.env.IDLEGRID_SKIP_BUILD !== '1') {
  console.log('Building Idlegrid (main and UI)…');
  const built = spawnSync(join(root, 'node_modules', '.bin', 'electron-vite'), ['build'], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (built.status !== 0) {
    console.error('The build failed (see above). Fix it, or run `npm run build` to see the whole output.');
    process.exit(built.status ?? 1);
  }
  writeFileSync(stamp, new Date().toISOString());
}

const child = spawn(process.execPath, [join(root, 'out', 'main', 'headless.js'), ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
