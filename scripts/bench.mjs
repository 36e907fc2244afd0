#!/usr/bin/env node
// `npm run bench -- NAME`: runs bench/NAME.ts with tsx. Each benchmark prints one JSON
// line last, comparing against a baseline measured in the same run (these machines are noisy).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const names = readdirSync(join(root, 'bench'))
  .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.startsWith('_'))
  .map((f) => f.replace(/\.ts$/, ''));
const name = process.argv[2];
if (!name || !existsSync(join(root, 'bench', `${name}.ts`))) {
  console.error(`Usage: npm run bench -- NAME\nBenchmarks: ${names.join(', ') || '(none yet)'}`);
  process.exit(2);
}
const tsx = join(root, 'node_modules', '.bin', 'tsx');
const result = spawnSync(tsx, [join(root, 'bench', `${name}.ts`), ...process.argv.slice(3)], {
  stdio: 'inherit',
  cwd: root,
});
process.exit(result.status ?? 1);
