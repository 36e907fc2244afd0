import { closeSync, fsyncSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { DiskSpace } from './setup-doctor';

/** Below this much free space in the data folder the supplier takes no new leases (a lease writes a few rows and logs). */
export const DEFAULT_STORAGE_MIN_FREE_BYTES = 8 * 1024 * 1024;
/** The size of the test write that proves the disk takes writes again. */
const PROBE_BYTES = 64 * 1024;

/**
 * Whether the data folder can take Idlegrid's writes, found out without waiting for a
 * lease to fail (issue 19, item 1): its free space (cheap, every few seconds), and — only
 * while writes are known to fail — a real test write, so a disk that has room again is
 * believed only once it took one. An error carries `code: 'ENOSPC'` (or the write's own
 * code), which `storageFailureText` puts in plain words.
 */
export async function probeDataDir(
  dir: string,
  options: { minFreeBytes: number; failing: boolean; diskSpace: (path: string) => Promise<DiskSpace | null> },
): Promise<{ ok: true; freeBytes: number | null } | { ok: false; error: NodeJS.ErrnoException; freeBytes: number | null }> {
  const space = await options.diskSpace(dir);
  const freeBytes = space?.freeBytes ?? null;
  if (freeBytes !== null && freeBytes < options.minFreeBytes) {
    const error: NodeJS.ErrnoException = new Error(`only ${freeBytes} bytes are free in ${dir} (${options.minFreeBytes} needed)`);
    error.code = 'ENOSPC';
    return { ok: false, error, freeBytes };
  }
  if (!options.failing) return { ok: true, freeBytes };
  const file = join(dir, '.idlegrid-write-probe');
  try {
    const fd = openSync(file, 'w');
    try {
      writeSync(fd, Buffer.alloc(PROBE_BYTES));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    return { ok: true, freeBytes };
  } catch (error) {
    return { ok: false, error: error as NodeJS.ErrnoException, freeBytes };
  } finally {
    rmSync(file, { force: true });
  }
}
