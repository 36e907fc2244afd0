#!/usr/bin/env node
// `npm test`: every test — unit and integration (vitest), then end-to-end (Playwright
// with Debian Chromium against `npm run serve`). Starts what the integration tests need
// (a private Docker engine and registry, when Docker is installed) and stops it after.
// Prints one plain summary line last: "N passed, N failed, N skipped".
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => join(root, 'node_modules', '.bin', name);
const reports = mkdtempSync(join(tmpdir(), 'idlegrid-test-'));
const env = { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' };
// e.g. `npm test -- unit`, `npm test -- e2e`, or `npm test -- unit main/worker` (anything
// after `unit` narrows vitest to those paths; the private Docker engine still starts).
const args = process.argv.slice(2);
const only = args.filter((a) => a === 'unit' || a === 'e2e');
const vitestFilters = args.filter((a) => a !== 'unit' && a !== 'e2e');
const runUnit = only.length === 0 || only.includes('unit');
const runE2e = only.length === 0 ? vitestFilters.length === 0 : only.includes('e2e');

const totals = { passed: 0, failed: 0, skipped: 0 };
let infraFailed = false;

async function startDocker() {
  const modulePath = join(root, 'scripts', 'test-env', 'docker-env.mjs');
  if (!existsSync(modulePath)) return null;
  const dockerEnv = await import(pathToFileURL(modulePath).href);
  const tools = dockerEnv.dockerToolsAvailable();
  if (!tools.ok) {
    console.warn(`[test] Docker integration tests will be skipped: missing ${tools.missing.join(', ')} (install docker.io, docker-registry and busybox-static; .ci/run does).`);
    return null;
  }
  console.log('[test] starting a private Docker engine and registry…');
  const started = await dockerEnv.startDockerTestEnv();
  Object.assign(env, {
    DOCKER_HOST: started.dockerHost,
    IDLEGRID_TEST_REGISTRY: started.registry,
    IDLEGRID_TEST_IMAGE: started.testImage,
    IDLEGRID_HOOK_LOG: started.hookLog,
  });
  return started;
}

function runVitest() {
  const out = join(reports, 'vitest.json');
  const result = spawnSync(bin('vitest'), ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${out}`, ...vitestFilters], {
    cwd: root,
    env,
    stdio: 'inherit',
  });
  if (!existsSync(out)) {
    console.error(`[test] vitest produced no report (exit ${result.status}).`);
    infraFailed = true;
    return;
  }
  const report = JSON.parse(readFileSync(out, 'utf8'));
  totals.passed += report.numPassedTests;
  totals.failed += report.numFailedTests;
  totals.skipped += report.numPendingTests + report.numTodoTests;
  // A file that fails to load counts as a failure even if it declared no tests.
  if (report.numFailedTestSuites > 0 && report.numFailedTests === 0) totals.failed += report.numFailedTestSuites;
}

function runBuild() {
  console.log('[test] building the app for the end-to-end tests…');
  const result = spawnSync(bin('electron-vite'), ['build'], { cwd: root, env, stdio: ['ignore', 'ignore', 'inherit'] });
  if (result.status !== 0) {
    console.error('[test] the build failed; end-to-end tests cannot run.');
    infraFailed = true;
    return false;
  }
  return true;
}

function runPlaywright() {
  const out = join(reports, 'playwright.json');
  const result = spawnSync(bin('playwright'), ['test'], {
    cwd: root,
    env: { ...env, PLAYWRIGHT_JSON_OUTPUT_NAME: out, IDLEGRID_BUILT: '1' },
    stdio: 'inherit',
  });
  if (!existsSync(out)) {
    console.error(`[test] Playwright produced no report (exit ${result.status}).`);
    infraFailed = true;
    return;
  }
  const stats = JSON.parse(readFileSync(out, 'utf8')).stats;
  totals.passed += stats.expected + stats.flaky;
  totals.failed += stats.unexpected;
  totals.skipped += stats.skipped;
}

let docker = null;
try {
  // Both parts use the private dockerd: the container tests and the market end to end.
  docker = await startDocker();
  if (runUnit) runVitest();
  if (runE2e && runBuild()) runPlaywright();
} catch (error) {
  console.error('[test] could not run the tests:', error);
  infraFailed = true;
} finally {
  if (docker) await docker.stop().catch((e) => console.error('[test] stopping Docker failed:', e));
  rmSync(reports, { recursive: true, force: true });
}

if (infraFailed) totals.failed += 1;
console.log(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(totals.failed > 0 ? 1 : 0);
