#!/usr/bin/env node
// Runs a command inside a private Docker test environment and stops it afterwards:
//   node scripts/test-env/with-docker-env.mjs npx vitest run main/worker
// The command gets DOCKER_HOST, IDLEGRID_TEST_REGISTRY, IDLEGRID_TEST_IMAGE and
// IDLEGRID_HOOK_LOG, as `npm test` gives them.
import { spawn } from 'node:child_process';
import { dockerToolsAvailable, startDockerTestEnv } from './docker-env.mjs';

const [command, ...args] = process.argv.slice(2);
if (!command) {
  console.error('Usage: node scripts/test-env/with-docker-env.mjs COMMAND [ARGS…]');
  process.exit(2);
}
const tools = dockerToolsAvailable();
if (!tools.ok) {
  console.error(`Docker test environment unavailable; missing: ${tools.missing.join(', ')}`);
  process.exit(2);
}
const env = await startDockerTestEnv();
console.error(`[docker-env] dockerd ${env.dockerHost}, registry ${env.registry}, image ${env.testImage}`);
// The command runs in its own process group: npx/npm do not pass a SIGTERM on to what they
// started, so stopping only the direct child left the app (and its containers) running.
const child = spawn(command, args, { stdio: 'inherit', env: { ...process.env, ...env.env }, detached: true });
const STOP_GRACE_MS = 10_000;
let stopping = false;
const signalGroup = (signal) => {
  try {
    process.kill(-child.pid, signal);
  } catch {
    // the group is gone already
  }
};
const stop = (signal) => {
  if (stopping) return;
  stopping = true;
  signalGroup(signal);
  // Whatever ignores the signal is killed after a grace period, so the env can stop.
  setTimeout(() => signalGroup('SIGKILL'), STOP_GRACE_MS).unref();
};
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));
const code = await new Promise((resolve) => child.once('exit', (c, signal) => resolve(c ?? (signal ? 1 : 0))));
signalGroup('SIGTERM'); // what the command left behind in its group
await env.stop();
process.exit(code);
