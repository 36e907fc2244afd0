import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { open, rm } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiError } from '../../../../common/api/errors';

/** Files being staged at once (a renderer that opens more waits for one to finish). */
export const MAX_STAGED_UPLOADS = 4;
/** The largest file the UI may stage (it lands on this computer's temp disk first). */
export const MAX_STAGED_BYTES = 16 * 1024 ** 3;

interface Staged {
  leaseId: string;
  rank: number;
  remotePath: string;
  totalBytes: number;
  path: string;
  file: FileHandle;
  written: number;
}

/**
 * A file the renderer uploads (dropped or picked in the lease view: the page has the
 * bytes, not a path on this computer) is written here in order, part after part, into a
 * private temporary folder, and then sent to the node like any local file. Parts must
 * come in order and never past the size announced; a stage is removed when it is sent,
 * abandoned, or the module is disposed.
 */
export class UploadStaging {
  private readonly stages = new Map<string, Staged>();
  private readonly dir = mkdtempSync(join(tmpdir(), 'idlegrid-upload-'));

  async begin(leaseId: string, rank: number, remotePath: string, totalBytes: number): Promise<string> {
    if (this.stages.size >= MAX_STAGED_UPLOADS) throw new ApiError('conflict', `At most ${MAX_STAGED_UPLOADS} files upload at once; wait for one to finish.`, 'upload_busy');
    if (totalBytes > MAX_STAGED_BYTES) throw new ApiError('invalid_params', `The file is larger than ${MAX_STAGED_BYTES / 1024 ** 3} GiB; copy it with \`idlegrid cp\` instead.`, 'upload_too_large');
    const stageId = `stage-${randomBytes(8).toString('hex')}`;
    const path = join(this.dir, stageId);
    const file = await open(path, 'wx', 0o600);
    this.stages.set(stageId, { leaseId, rank, remotePath, totalBytes, path, file, written: 0 });
    return stageId;
  }

  async part(stageId: string, offset: number, data: Buffer): Promise<number> {
    const stage = this.get(stageId);
    if (offset !== stage.written) throw new ApiError('invalid_params', `Expected the part at byte ${stage.written}, got ${offset}.`, 'upload_out_of_order');
    if (stage.written + data.length > stage.totalBytes) throw new ApiError('invalid_params', 'More bytes than the file size announced.', 'upload_too_long');
    await stage.file.write(data, 0, data.length, offset);
    stage.written += data.length;
    return stage.written;
  }

  /** The complete staged file, for sending; call `remove` after. */
  async finish(stageId: string): Promise<{ leaseId: string; rank: number; remotePath: string; path: string }> {
    const stage = this.get(stageId);
    if (stage.written !== stage.totalBytes) throw new ApiError('invalid_params', `Only ${stage.written} of ${stage.totalBytes} bytes arrived.`, 'upload_incomplete');
    await stage.file.close();
    return { leaseId: stage.leaseId, rank: stage.rank, remotePath: stage.remotePath, path: stage.path };
  }

  async remove(stageId: string): Promise<void> {
    const stage = this.stages.get(stageId);
    if (!stage) return;
    this.stages.delete(stageId);
    await stage.file.close().catch(() => undefined);
    await rm(stage.path, { force: true });
  }

  dispose(): void {
    for (const stage of this.stages.values()) void stage.file.close().catch(() => undefined);
    this.stages.clear();
    rmSync(this.dir, { recursive: true, force: true });
  }

  private get(stageId: string): Staged {
    const stage = this.stages.get(stageId);
    if (!stage) throw new ApiError('not_found', 'That upload is not being staged (finished, cancelled, or the app restarted).', 'upload_unknown');
    return stage;
  }
}
