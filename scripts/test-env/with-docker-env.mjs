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
const child = spawn(command, args, { stdio: 'inherit', env: { ...process.env, ...env.env } });
const stop = () => child.kill('SIGTERM');
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
const code = await new Promise((resolve) => child.once('exit', (c, signal) => resolve(c ?? (signal ? 1 : 0))));
await env.stop();
process.exit(code);
