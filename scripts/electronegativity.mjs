#!/usr/bin/env node
// Runs Electronegativity over the project (or the folder given) and fails on any HIGH or
// MEDIUM finding not justified in scripts/electronegativity.config.mjs.
// Usage: node scripts/electronegativity.mjs [folder]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { failingSeverities, justified } from './electronegativity.config.mjs';

const require = createRequire(import.meta.url);
const root = resolve(import.meta.dirname, '..');
const input = resolve(process.argv[2] ?? root);
// The Electron version is given so the tool does not try to look it up on the internet.
const electronVersion = require(join(root, 'node_modules/electron/package.json')).version;
const cli = join(root, 'node_modules/@doyensec/electronegativity/dist/index.js');

/** One CSV row: fields separated by commas, quoted fields may hold commas and "" quotes. */
export function parseCsvLine(line) {
  const fields = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      fields.push(field.trim());
      field = '';
    } else field += c;
  }
  fields.push(field.trim());
  return fields;
}

const dir = mkdtempSync(join(tmpdir(), 'idlegrid-eng-'));
try {
  const csv = join(dir, 'findings.csv');
  const run = spawnSync(process.execPath, [cli, '-i', input, '-r', '-v', 'false', '-e', electronVersion, '-o', csv], {
    cwd: input,
    encoding: 'utf8',
    timeout: 300_000,
  });
  if (run.status !== 0) {
    process.stderr.write(run.stdout + run.stderr);
    console.error(`electronegativity: the tool failed (exit ${run.status ?? run.signal}).`);
    process.exit(2);
  }
  const rows = readFileSync(csv, 'utf8').split('\n').slice(1).filter((l) => l.trim() !== '').map(parseCsvLine);
  const findings = rows.map(([check, severity, confidence, file, location, sample]) => ({ check, severity, confidence, file, location, sample }));
  const failing = [];
  for (const f of findings) {
    if (!failingSeverities.includes(f.severity)) continue;
    const why = justified.find((j) => j.check === f.check && j.file === f.file);
    if (why) console.log(`justified ${f.severity} ${f.check} ${f.file}:${f.location}`);
    else failing.push(f);
  }
  for (const f of failing) console.log(`FAIL ${f.severity} ${f.check} ${f.file}:${f.location} ${f.sample}`);
  console.log(`electronegativity: ${findings.length} findings, ${failing.length} HIGH/MEDIUM not justified`);
  process.exit(failing.length === 0 ? 0 : 1);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
