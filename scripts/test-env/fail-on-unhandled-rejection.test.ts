import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

// The guard itself: a file whose test leaves a rejected promise behind fails.
describe('the unhandled-rejection guard', () => {
  it('fails a test that leaves a promise rejecting unhandled', () => {
    const dir = mkdtempSync(join(process.cwd(), 'scripts/test-env/guard-fixture-'));
    try {
      writeFileSync(
        join(dir, 'leaves-rejection.test.ts'),
        `import { it } from 'vitest';\nit('passes but leaks', async () => { void Promise.reject(new Error('nobody listens')); await new Promise((r) => setTimeout(r, 10)); });\n`,
      );
      const result = spawnSync(
        join(process.cwd(), 'node_modules/.bin/vitest'),
        ['run', '--reporter=json', dir],
        { cwd: process.cwd(), encoding: 'utf8', timeout: 60_000 },
      );
      const report = JSON.parse(result.stdout.slice(result.stdout.indexOf('{'))) as { numFailedTests: number; testResults: Array<{ message: string; assertionResults: Array<{ failureMessages: string[] }> }> };
      expect(report.numFailedTests).toBe(1);
      expect(report.testResults[0]!.assertionResults[0]!.failureMessages.join('\n')).toContain('nobody listens');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
