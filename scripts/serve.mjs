#!/usr/bin/env node
// `npm run serve -- [--port N] [--host ADDR --self-signed] [--data-dir DIR]`: the headless app
// (any --host but loopback needs --self-signed or --tls-cert/--tls-key; see README).
// Builds main and the renderer first when the sources changed since the last build,
// so a fresh clone and a just-edited tree both serve what is on disk.
import { spawn, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildIsStale, markBuilt } from './build-freshness.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const stale = buildIsStale(root);

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
  markBuilt(root);
}

const child = spawn(process.execPath, [join(root, 'out', 'main', 'headless.js'), ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
