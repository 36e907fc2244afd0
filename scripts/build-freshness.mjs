// Whether out/ was built from the sources on disk: `npm run serve` and the idle bench
// build first when it was not, so neither runs (or measures) a stale build.
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Every layer the built app is made of, and what decides how it is built. */
const SOURCES = ['main', 'preload', 'renderer', 'common', 'hub', 'hub-client', 'solana', 'sqlite', 'electron.vite.config.ts', 'package.json', 'package-lock.json'];

function newestMtimeMs(path) {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(path)) {
    if (entry === 'node_modules' || entry.endsWith('.test.ts') || entry.endsWith('.test.tsx')) continue;
    newest = Math.max(newest, newestMtimeMs(join(path, entry)));
  }
  return newest;
}

export function buildStampPath(root) {
  return join(root, 'out', '.build-stamp');
}

/** True when out/ is missing, was never stamped, or a source changed after the stamp. */
export function buildIsStale(root) {
  const stamp = buildStampPath(root);
  if (!existsSync(stamp) || !existsSync(join(root, 'out', 'main', 'headless.js'))) return true;
  const sources = SOURCES.map((p) => join(root, p)).filter(existsSync);
  return Math.max(...sources.map(newestMtimeMs)) > statSync(stamp).mtimeMs;
}

/** Records that out/ was just built from the sources on disk. */
export function markBuilt(root) {
  writeFileSync(buildStampPath(root), new Date().toISOString());
}
