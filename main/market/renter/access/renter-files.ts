import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { AccessTransfer } from '../../../../common/api/access';
import { ApiError } from '../../../../common/api/errors';
import { Emitter } from '../../../../common/event';
import type { Event } from '../../../../common/event';
import type { StreamOpener } from './renter-terminals';

/** Progress events at most this often per transfer (and at its end). */
const PROGRESS_EVERY_MS = 250;

/**
 * Files to and from a node: an upload sends a local file to a path in the container, a
 * download saves a file (or a folder, as a tar) from the container to a local path. Each
 * is one stream with progress (bytes so far, of how many when known); a download goes to
 * a temporary name first, so a failed one leaves no half file behind.
 */
export class RenterFiles {
  private readonly progress = new Emitter<AccessTransfer>();
  readonly onProgress: Event<AccessTransfer> = this.progress.event;

  async upload(opener: StreamOpener, leaseId: string, rank: number, localPath: string, remotePath: string): Promise<AccessTransfer> {
    const size = await stat(localPath).then(
      (s) => (s.isFile() ? s.size : null),
      () => null,
    );
    if (size === null) throw new ApiError('not_found', `There is no file ${localPath} on this computer (folders: upload a tar of them).`, 'upload_source_missing');
    const transfer = this.start('upload', leaseId, rank, remotePath, localPath, size);
    const stream = await this.open(opener, { leaseId, rank, kind: 'upload', path: remotePath }, transfer);
    return this.run(transfer, async () => {
      const done = closed(stream);
      done.catch(() => undefined); // the pipeline reports the same failure
      await pipeline(createReadStream(localPath), this.counter(transfer), stream);
      await done;
    });
  }

  async download(opener: StreamOpener, leaseId: string, rank: number, remotePath: string, localPath: string): Promise<AccessTransfer> {
    const transfer = this.start('download', leaseId, rank, remotePath, localPath, null);
    const stream = await this.open(opener, { leaseId, rank, kind: 'download', path: remotePath }, transfer);
    stream.end(); // a download sends nothing
    const partial = `${localPath}.part-${randomBytes(4).toString('hex')}`;
    return this.run(transfer, async () => {
      try {
        const done = closed(stream);
      done.catch(() => undefined); // the pipeline reports the same failure
        await pipeline(stream, this.counter(transfer), createWriteStream(partial, { flags: 'wx' }));
        await done;
        await rename(partial, localPath);
      } catch (error) {
        await rm(partial, { force: true });
        throw error;
      }
    });
  }

  private start(kind: AccessTransfer['kind'], leaseId: string, rank: number, remotePath: string, localPath: string, totalBytes: number | null): AccessTransfer {
    return { transferId: `xfer-${randomBytes(6).toString('hex')}`, kind, leaseId, rank, remotePath, localPath, bytes: 0, totalBytes, state: 'running', error: null };
  }

  private async open(opener: StreamOpener, target: Parameters<StreamOpener['open']>[0], transfer: AccessTransfer) {
    try {
      return await opener.open(target);
    } catch (error) {
      this.progress.fire({ ...transfer, state: 'failed', error: (error as Error).message });
      throw new ApiError('conflict', `The ${transfer.kind} could not start: ${(error as Error).message}`, `${transfer.kind}_refused`);
    }
  }

  private async run(transfer: AccessTransfer, work: () => Promise<void>): Promise<AccessTransfer> {
    this.progress.fire(transfer);
    try {
      await work();
      transfer.state = 'done';
    } catch (error) {
      transfer.state = 'failed';
      transfer.error = (error as Error).message;
    }
    this.progress.fire({ ...transfer });
    if (transfer.state === 'failed') throw new ApiError('conflict', `The ${transfer.kind} of ${transfer.remotePath} failed: ${transfer.error}`, `${transfer.kind}_failed`);
    return { ...transfer };
  }

  private counter(transfer: AccessTransfer): Transform {
    let lastMs = 0;
    return new Transform({
      transform: (chunk: Buffer, _encoding, callback) => {
        transfer.bytes += chunk.length;
        const nowMs = Date.now();
        if (nowMs - lastMs >= PROGRESS_EVERY_MS) {
          lastMs = nowMs;
          this.progress.fire({ ...transfer });
        }
        callback(null, chunk);
      },
    });
  }
}

/** Resolves when the stream has closed; rejects with its error when it failed. */
function closed(stream: NodeJS.EventEmitter & { closeCode: string | null; closeReason: string | null }): Promise<void> {
  return new Promise((resolve, reject) => {
    let failure: Error | null = null;
    stream.once('error', (error: Error) => (failure = error));
    stream.once('close', () => (failure ? reject(failure) : stream.closeCode && stream.closeCode !== 'done' ? reject(new Error(stream.closeReason ?? 'the stream failed')) : resolve()));
  });
}
