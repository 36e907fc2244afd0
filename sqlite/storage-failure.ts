/**
 * Plain words for a write that failed because of the disk, not because of the data:
 * the disk is full (SQLITE_FULL), the disk failed or went away (SQLITE_IOERR_*), or the
 * file became read-only. Such a failure says nothing about the row being written; a
 * service that meets one keeps running, stops taking new work and says why, and
 * writes again once there is room. Null for any other error.
 */
export function storageFailureText(error: unknown): string | null {
  const code = typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : '';
  if (code === 'SQLITE_FULL' || code === 'ENOSPC') return 'The disk is full: Idlegrid cannot record anything until space is freed on the disk of its data folder.';
  if (code.startsWith('SQLITE_IOERR') || code === 'EIO') return 'The disk failed a write: Idlegrid cannot record anything until the disk of its data folder works again.';
  if (code.startsWith('SQLITE_READONLY') || code === 'EROFS') return 'The data folder became read-only: Idlegrid cannot record anything until it can write there again.';
  return null;
}
