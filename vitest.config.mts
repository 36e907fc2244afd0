import { defineConfig } from 'vitest/config';

// Unit and integration tests sit next to their modules (`*.test.ts`). Integration
// tests use real components (SQLite files, the headless server on loopback, Docker,
// the sandbox chain) and run in `npm test` all the same.
export default defineConfig({
  test: {
    include: ['{main,common,solana,sqlite,hub-client,hub,renderer,preload,scripts,bench}/**/*.test.{ts,tsx}'],
    environment: 'node',
    // A background promise that rejects unhandled fails the test (issue 19, item 2).
    setupFiles: ['scripts/test-env/fail-on-unhandled-rejection.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Two cores on CI: more workers only fight over them.
    maxWorkers: 2,
  },
});
