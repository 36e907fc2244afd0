import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../common/api/errors';
import { createAccessStore } from './access-store';
import { ScriptedApiClient } from './scripted-api-client';

const transfer = (rank: number) => ({
  transferId: `x${rank}`,
  kind: 'download' as const,
  leaseId: 'lease-1',
  rank,
  remotePath: '/outputs',
  localPath: `/home/r/Downloads/idlegrid-lease-1-node${rank}-outputs.tar`,
  bytes: 10,
  totalBytes: 10,
  state: 'done' as const,
  error: null,
});

describe('access store: outputs', () => {
  it('records per lease that its outputs were downloaded, with where', async () => {
    const client = new ScriptedApiClient().answer('access:download-outputs', ({ ranks }) => ranks.map(transfer));
    const store = createAccessStore(client);
    expect(store.getState().outputsDownloaded['lease-1']).toBeUndefined();
    const paths = await store.getState().downloadOutputs('lease-1', [0, 1]);
    expect(paths).toHaveLength(2);
    expect(store.getState().outputsDownloaded['lease-1']?.paths).toEqual(paths);
    expect(store.getState().outputsDownloaded['lease-2']).toBeUndefined();
  });

  it('records nothing when the download failed, and says why', async () => {
    const client = new ScriptedApiClient().answer('access:download-outputs', () => {
      throw new ApiError('conflict', 'The download of /outputs failed: the lease ended', 'download_failed');
    });
    const store = createAccessStore(client);
    expect(await store.getState().downloadOutputs('lease-1', [0])).toBeNull();
    expect(store.getState().outputsDownloaded).toEqual({});
    expect(store.getState().error).toContain('the lease ended');
  });
});
