import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../main/transport/headless-server';

// `npm run lint:electron` (in .ci/run) runs Electronegativity over the project; this proves
// the wrapper fails on a planted finding, so a green CI run means something.
const planted = mkdtempSync(join(tmpdir(), 'idlegrid-eng-probe-'));
afterAll(() => rmSync(planted, { recursive: true, force: true }));

function runOn(dir: string) {
  return spawnSync(process.execPath, ['scripts/electronegativity.mjs', dir], { encoding: 'utf8', timeout: 120_000 });
}

function connectSrc(policy: string): string | undefined {
  return policy.split(';').map((d) => d.trim()).find((d) => d.startsWith('connect-src'));
}

describe('Electronegativity in CI', () => {
  it('fails on a window with Node integration and no navigation limits', () => {
    writeFileSync(
      join(planted, 'window.js'),
      "const { BrowserWindow } = require('electron');\nnew BrowserWindow({ webPreferences: { nodeIntegration: true, contextIsolation: false } });\n",
    );
    const run = runOn(planted);
    expect(run.status, run.stdout + run.stderr).toBe(1);
    expect(run.stdout).toContain('CONTEXT_ISOLATION_JS_CHECK');
    expect(run.stdout).toContain('LIMIT_NAVIGATION_GLOBAL_CHECK');
  }, 130_000);
});

describe('the renderer CSP', () => {
  it('lets the UI connect to its own origin only (no ws:/wss: to any host), as the headless header does', () => {
    const html = readFileSync('renderer/index.html', 'utf8');
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1];
    expect(meta).toBeDefined();
    expect(connectSrc(meta!)).toBe("connect-src 'self'");
    expect(connectSrc(CONTENT_SECURITY_POLICY)).toBe("connect-src 'self'");
    expect(meta).not.toMatch(/\bwss?:/);
  });
});
