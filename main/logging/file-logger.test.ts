import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createFileLogger } from './file-logger';
import { ApiError } from '../../common/api/errors';
import { HubError } from '../../common/hub/hub-errors';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function tempDataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'idlegrid-log-'));
  dirs.push(dir);
  return dir;
}

describe('file logger', () => {
  it('writes JSON lines with the scope of a child logger', () => {
    const dataDir = tempDataDir();
    const log = createFileLogger({ dataDir });
    log.logger.child({ scope: 'worker' }).warn({ jobId: 'j1' }, 'stopping failed');
    log.close();
    const lines = readFileSync(join(dataDir, 'logs', 'idlegrid.log'), 'utf8').trim().split('\n');
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(line).toMatchObject({ scope: 'worker', jobId: 'j1', msg: 'stopping failed', level: 40 });
    expect(typeof line.time).toBe('number');
  });

  it('logs expected refusals without a stack trace, and unexpected errors with theirs', () => {
    const dataDir = tempDataDir();
    const log = createFileLogger({ dataDir });
    log.logger.error({ err: new HubError('unavailable', 'The hub at http://10.0.0.9:7070 cannot be reached.', 'hub_unreachable') }, 'the network failed to start');
    log.logger.info({ err: new ApiError('conflict', 'Lease l-1 has ended.', 'lease_ended') }, 'refused');
    log.logger.error({ err: new TypeError('x is undefined') }, 'a bug');
    log.logger.error({ err: new ApiError('internal', 'something broke') }, 'internal');
    log.close();
    const lines = readFileSync(join(dataDir, 'logs', 'idlegrid.log'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { err: Record<string, unknown> });
    expect(lines[0]!.err).toEqual({ type: 'HubError', message: 'The hub at http://10.0.0.9:7070 cannot be reached.', code: 'unavailable', reason: 'hub_unreachable' });
    expect(lines[1]!.err).toEqual({ type: 'ApiError', message: 'Lease l-1 has ended.', code: 'conflict', reason: 'lease_ended' });
    expect(lines[2]!.err.stack).toMatch(/TypeError: x is undefined/);
    expect(lines[3]!.err.stack).toMatch(/something broke/);
  });

  it('rotates at the size limit and keeps at most maxFiles files', () => {
    const dataDir = tempDataDir();
    const log = createFileLogger({ dataDir, maxFileBytes: 1_000, maxFiles: 3 });
    for (let i = 0; i < 200; i++) log.logger.info({ i }, `line ${i} ${'x'.repeat(40)}`);
    log.close();
    const names = readdirSync(join(dataDir, 'logs')).sort();
    expect(names).toEqual(['idlegrid.1.log', 'idlegrid.2.log', 'idlegrid.log']);
    for (const name of names) {
      const path = join(dataDir, 'logs', name);
      expect(statSync(path).size).toBeLessThanOrEqual(1_000);
      // Every line is whole: rotation happens between lines.
      for (const line of readFileSync(path, 'utf8').trim().split('\n')) expect(() => JSON.parse(line)).not.toThrow();
    }
    // The newest lines are in the live file; the oldest were dropped with the fourth file.
    expect(readFileSync(join(dataDir, 'logs', 'idlegrid.log'), 'utf8')).toContain('"i":199');
    const all = names.map((n) => readFileSync(join(dataDir, 'logs', n), 'utf8')).join('');
    expect(all).not.toContain('"i":0,');
    expect(log.files().map((p) => p.slice(p.lastIndexOf('/') + 1))).toEqual(['idlegrid.2.log', 'idlegrid.1.log', 'idlegrid.log']);
  });

  it('appends to the live file across restarts and counts its size', () => {
    const dataDir = tempDataDir();
    const first = createFileLogger({ dataDir, maxFileBytes: 300, maxFiles: 2 });
    first.logger.info('a'.repeat(150));
    first.close();
    const second = createFileLogger({ dataDir, maxFileBytes: 300, maxFiles: 2 });
    second.logger.info('b'.repeat(150));
    second.close();
    expect(readFileSync(join(dataDir, 'logs', 'idlegrid.1.log'), 'utf8')).toContain('aaaa');
    expect(readFileSync(join(dataDir, 'logs', 'idlegrid.log'), 'utf8')).toContain('bbbb');
  });

  it('redacts secret-bearing keys at any of the first three levels', () => {
    const dataDir = tempDataDir();
    const log = createFileLogger({ dataDir });
    log.logger.info(
      { passphrase: 'hunter2-top', wallet: { secretKey: 'SK-top-secret' }, req: { headers: { cookie: 'idlegrid_session=abc123', authorization: 'Bearer tok-xyz' } }, token: 'tok-123' },
      'signed in',
    );
    log.close();
    const text = readFileSync(join(dataDir, 'logs', 'idlegrid.log'), 'utf8');
    for (const secret of ['hunter2-top', 'SK-top-secret', 'abc123', 'tok-xyz', 'tok-123']) expect(text).not.toContain(secret);
    expect(text).toContain('[redacted]');
  });
});
