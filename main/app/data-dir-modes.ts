import { chmodSync, lstatSync, mkdirSync, readdirSync } from 'node:fs';
import type { Stats } from 'node:fs';
import { join, relative } from 'node:path';

/** Directories in the data dir: only the user who runs Idlegrid may list or enter them. */
export const PRIVATE_DIR_MODE = 0o700;
/** Files in the data dir: databases, logs, wallets, the headless token. */
export const PRIVATE_FILE_MODE = 0o600;

/** How deep the check walks; the data dir is shallow (wallets/, logs/, hub/, sandbox-chain/). */
const MAX_DEPTH = 8;
const MAX_ENTRIES = 100_000;

export class DataDirPermissionError extends Error {}

/**
 * Makes the data dir private before anything in it is opened: the dir is created 0700 if
 * missing; every directory under it is made 0700 and every file 0600 (an install made by
 * an older version, or a copy, may have left them readable by other local users, who
 * would then read renters' job env, wallets, the headless token and the sandbox faucet's
 * secret). A file or directory that belongs to another user is refused rather than
 * repaired: someone else could still write it. Symbolic links are neither followed nor
 * changed. Returns the paths (relative to the data dir) whose mode was repaired.
 */
export function secureDataDir(dataDir: string, uid: number | undefined = process.getuid?.()): string[] {
  mkdirSync(dataDir, { recursive: true, mode: PRIVATE_DIR_MODE });
  if (process.platform === 'win32') return []; // NTFS ACLs, not mode bits, guard the profile dir there
  const repaired: string[] = [];
  let seen = 0;
  const visit = (path: string, depth: number): void => {
    if (++seen > MAX_ENTRIES) return;
    const st = lstatSync(path);
    if (st.isSymbolicLink()) return;
    const name = relative(dataDir, path) || '.';
    if (uid !== undefined && st.uid !== uid) {
      throw new DataDirPermissionError(
        `${path} (in the data dir) is owned by another user (uid ${st.uid}), so Idlegrid will not use this data dir: that user could change what Idlegrid reads. ` +
          `Give it back to yourself (chown -R $(id -u) "${dataDir}") or start with another --data-dir.`,
      );
    }
    const wanted = st.isDirectory() ? PRIVATE_DIR_MODE : PRIVATE_FILE_MODE;
    if (tooOpen(st, wanted)) {
      chmodSync(path, wanted);
      repaired.push(name);
    }
    if (st.isDirectory() && depth < MAX_DEPTH) for (const entry of readdirSync(path)) visit(join(path, entry), depth + 1);
  };
  visit(dataDir, 0);
  return repaired;
}

function tooOpen(st: Stats, wanted: number): boolean {
  return (st.mode & 0o777 & ~wanted) !== 0 || (st.isDirectory() && (st.mode & 0o700) !== 0o700);
}
