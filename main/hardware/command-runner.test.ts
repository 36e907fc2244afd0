import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ExecFileRunner } from './command-runner';
import { replayEnv } from './nvidia-smi-replay';
import { waitUntilGone } from './process-alive';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'idlegrid-runner-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('ExecFileRunner', () => {
  it('returns the whole output of an 8-GPU nvidia-smi -q -x', async () => {
    const outcome = await new ExecFileRunner({ env: replayEnv() }).run('nvidia-smi', ['-q', '-x'], { timeoutMs: 10_000 });
    expect(outcome.kind).toBe('ok');
    if (outcome.kind !== 'ok') return;
    expect(outcome.stdout.length).toBe(227_585);
    expect(outcome.stdout.match(/<gpu id=/g)).toHaveLength(8);
  });

  it('tells a missing tool (ENOENT) apart from a failing one', async () => {
    const runner = new ExecFileRunner({ env: { ...replayEnv(), PATH: dir } });
    expect(await runner.run('nvidia-smi', ['-q', '-x'], { timeoutMs: 5000 })).toEqual({
      kind: 'missing',
      command: 'nvidia-smi',
    });
  });

  it('keeps the exit code and stderr of a failed run', async () => {
    const runner = new ExecFileRunner({ env: replayEnv({ IDLEGRID_REPLAY_MODE: 'fail' }) });
    const outcome = await runner.run('nvidia-smi', ['-q', '-x'], { timeoutMs: 10_000 });
    expect(outcome).toMatchObject({ kind: 'failed', exitCode: 9, signal: null, error: null });
    if (outcome.kind === 'failed') expect(outcome.stderr).toMatch(/^NVIDIA-SMI has failed because it couldn't communicate/);
  });

  it('kills a hung child at the timeout and answers without waiting for it', async () => {
    const spawnLog = join(dir, 'spawns.log');
    const runner = new ExecFileRunner({ env: replayEnv({ IDLEGRID_REPLAY_MODE: 'hang', IDLEGRID_REPLAY_SPAWN_LOG: spawnLog }) });
    const startedMs = Date.now();
    const outcome = await runner.run('nvidia-smi', ['-q', '-x'], { timeoutMs: 1500 });
    const tookMs = Date.now() - startedMs;
    expect(outcome).toMatchObject({ kind: 'timeout', timeoutMs: 1500 });
    expect(tookMs).toBeGreaterThanOrEqual(1400);
    expect(tookMs).toBeLessThan(6000);
    // The replay wrote its pid when it started (env execs node, so it is the child's pid).
    const pid = Number(readFileSync(spawnLog, 'utf8').trim().split(' ')[1]);
    expect(outcome.kind === 'timeout' && outcome.pid).toBe(pid);
    expect(await waitUntilGone(pid, 3000)).toBe(true);
  });
});
