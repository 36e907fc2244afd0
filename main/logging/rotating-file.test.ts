import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { mountSmallDisk, smallDiskSkipReason } from '../worker/test-support/full-disk';
import type { SmallDisk } from '../worker/test-support/full-disk';
import { RotatingFile } from './rotating-file';

const skip = smallDiskSkipReason();
if (skip) console.warn(`[skip] the log on a full disk: ${skip}`);

// Issue 19: a log line written while the data disk was full threw ENOSPC out of a timer
// (the telemetry flush) and ended the app. Real tmpfs, filled to the last block.
(skip ? describe.skip : describe)('the log file on a full disk', () => {
  let disk: SmallDisk | null = null;
  afterEach(() => {
    disk?.remove();
    disk = null;
  });

  it('drops lines instead of throwing, and notes how many were lost once the disk takes writes again', () => {
    disk = mountSmallDisk(2);
    const file = new RotatingFile({ dir: join(disk.dir, 'logs'), baseName: 'idlegrid', maxFileBytes: 1024 * 1024, maxFiles: 2 });
    file.write(`${JSON.stringify({ msg: 'before' })}\n`);
    disk.fill();
    for (let i = 0; i < 3; i++) expect(() => file.write(`${JSON.stringify({ msg: `lost ${i}`, pad: 'x'.repeat(4096) })}\n`)).not.toThrow();
    expect(file.droppedLines()).toBe(3);
    disk.free();
    file.write(`${JSON.stringify({ msg: 'after' })}\n`);
    file.close();
    const lines = readFileSync(join(disk.dir, 'logs', 'idlegrid.log'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { msg: string });
    expect(lines.map((l) => l.msg)).toEqual(['before', '3 log line(s) were lost: the disk refused the writes (full?)', 'after']);
  });
});
