import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A real small filesystem (tmpfs) for a data dir, and a way to fill it: what a user's
 * full disk does to SQLite (SQLITE_FULL on the next write), without a double.
 * Needs root (mount); `skipReason` says why it cannot be had.
 */
export interface SmallDisk {
  dir: string;
  /** Writes a file until the filesystem refuses (ENOSPC). */
  fill(): void;
  /** Removes the filler: the disk has room again. */
  free(): void;
  /** Unmounts and removes the mount point (also after a failed test). */
  remove(): void;
}

export function smallDiskSkipReason(): string | null {
  if (process.platform !== 'linux') return 'tmpfs mounts need Linux';
  if (process.getuid?.() !== 0) return 'mounting a tmpfs needs root';
  return null;
}

export function mountSmallDisk(sizeMb: number): SmallDisk {
  const dir = mkdtempSync(join(tmpdir(), 'idlegrid-small-disk-'));
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeMb}m`, 'tmpfs', dir], { encoding: 'utf8' });
  if (mounted.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`mount tmpfs failed: ${mounted.stderr}`);
  }
  const filler = join(dir, 'filler');
  return {
    dir,
    fill() {
      const fd = openSync(filler, 'a');
      const chunk = Buffer.alloc(64 * 1024);
      try {
        // Bounded: at most the size of the disk, in 64 KiB steps.
        for (let i = 0; i < (sizeMb * 1024) / 64 + 16; i++) writeSync(fd, chunk);
        throw new Error(`the ${sizeMb} MB tmpfs never filled`);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
        // Smaller writes take the last partial block too.
        for (let i = 0; i < 64; i++) {
          try {
            writeSync(fd, Buffer.alloc(512));
          } catch {
            break;
          }
        }
      } finally {
        closeSync(fd);
      }
    },
    free() {
      rmSync(filler, { force: true });
    },
    remove() {
      spawnSync('umount', ['-l', dir]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
