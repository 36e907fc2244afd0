import { readFileSync, existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { accessCalls, UPLOAD_PART_BYTES } from '../../../../common/api/access';
import { MAX_STAGED_UPLOADS, UploadStaging } from './upload-staging';

describe('upload staging', () => {
  let staging: UploadStaging | null = null;
  afterEach(() => staging?.dispose());

  it('writes parts in order into a private file and removes it after', async () => {
    staging = new UploadStaging();
    const id = await staging.begin('lease-1', 0, '/scratch/a.txt', 11);
    expect(await staging.part(id, 0, Buffer.from('hello '))).toBe(6);
    expect(await staging.part(id, 6, Buffer.from('world'))).toBe(11);
    const done = await staging.finish(id);
    expect(done).toMatchObject({ leaseId: 'lease-1', rank: 0, remotePath: '/scratch/a.txt' });
    expect(readFileSync(done.path, 'utf8')).toBe('hello world');
    await staging.remove(id);
    expect(existsSync(done.path)).toBe(false);
  });

  it('refuses parts out of order, past the announced size, an incomplete file, and unknown stages', async () => {
    staging = new UploadStaging();
    const id = await staging.begin('lease-1', 0, '/scratch/a.txt', 4);
    await expect(staging.part(id, 2, Buffer.from('ab'))).rejects.toMatchObject({ reason: 'upload_out_of_order' });
    await expect(staging.part(id, 0, Buffer.from('abcde'))).rejects.toMatchObject({ reason: 'upload_too_long' });
    await staging.part(id, 0, Buffer.from('ab'));
    await expect(staging.finish(id)).rejects.toMatchObject({ reason: 'upload_incomplete' });
    await expect(staging.part('stage-nope', 0, Buffer.from('a'))).rejects.toMatchObject({ reason: 'upload_unknown' });
  });

  it('bounds how many files stage at once and how large one may be', async () => {
    staging = new UploadStaging();
    for (let i = 0; i < MAX_STAGED_UPLOADS; i++) await staging.begin('lease-1', 0, `/scratch/${i}`, 1);
    await expect(staging.begin('lease-1', 0, '/scratch/x', 1)).rejects.toMatchObject({ reason: 'upload_busy' });
    const other = new UploadStaging();
    try {
      await expect(other.begin('lease-1', 0, '/scratch/big', 64 * 1024 ** 3)).rejects.toMatchObject({ reason: 'upload_too_large' });
    } finally {
      other.dispose();
    }
  });

  it('the API refuses a part larger than one frame carries, or that is not base64', () => {
    const part = accessCalls['access:upload-part'].params;
    const full = Buffer.alloc(UPLOAD_PART_BYTES, 1).toString('base64');
    expect(part.safeParse({ stageId: 's', offset: 0, data: full }).success).toBe(true);
    expect(part.safeParse({ stageId: 's', offset: 0, data: Buffer.alloc(UPLOAD_PART_BYTES + 3, 1).toString('base64') }).success).toBe(false);
    expect(part.safeParse({ stageId: 's', offset: 0, data: 'not base64!' }).success).toBe(false);
    expect(part.safeParse({ stageId: 's', offset: -1, data: '' }).success).toBe(false);
  });
});
