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

  it('keeps the record across a restart when given storage', async () => {
    const saved = new Map<string, string>();
    const storage = { getItem: (k: string) => saved.get(k) ?? null, setItem: (k: string, v: string) => void saved.set(k, v) };
    const client = new ScriptedApiClient().answer('access:download-outputs', ({ ranks }) => ranks.map(transfer));
    await createAccessStore(client, storage).getState().downloadOutputs('lease-1', [0]);
    expect(createAccessStore(client, storage).getState().outputsDownloaded['lease-1']?.paths).toEqual([transfer(0).localPath]);
    saved.set('idlegrid.outputsDownloaded', 'not json');
    expect(createAccessStore(client, storage).getState().outputsDownloaded).toEqual({});
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

describe('access store: files', () => {
  it('hands a picked file to the app in ordered parts, then sends it, following its progress', async () => {
    const staged: Buffer[] = [];
    const sent = { ...transfer(0), kind: 'upload' as const, remotePath: '/scratch/data.bin', localPath: '/tmp/stage', totalBytes: 300 * 1024, bytes: 300 * 1024 };
    const client = new ScriptedApiClient()
      .answer('access:terminals', () => [])
      .answer('access:forwards', () => [])
      .answer('access:upload-begin', () => ({ stageId: 'stage-1' }))
      .answer('access:upload-part', ({ offset, data }) => {
        expect(offset).toBe(staged.reduce((n, b) => n + b.length, 0));
        staged.push(Buffer.from(data, 'base64'));
        return { written: offset + staged[staged.length - 1]!.length };
      })
      .answer('access:upload-send', () => {
        client.emit('access:transfer', sent);
        return sent;
      });
    const store = createAccessStore(client);
    store.getState().start();
    const bytes = Buffer.alloc(300 * 1024, 7);
    bytes[0] = 1;
    const file = Object.assign(new Blob([bytes]), { name: 'data.bin' });
    const done = await store.getState().uploadFile('lease-1', 0, '/scratch/', file);
    expect(done?.state).toBe('done');
    expect(client.callsOf('access:upload-begin')).toEqual([{ leaseId: 'lease-1', rank: 0, remotePath: '/scratch/data.bin', totalBytes: 300 * 1024 }]);
    expect(staged.length).toBe(3);
    expect(Buffer.concat(staged).equals(bytes)).toBe(true);
    expect(store.getState().staging).toEqual([]);
    expect(store.getState().transfers).toEqual([sent]);
  });

  it('keeps a failed hand-over with its reason and gives the staged part up', async () => {
    const client = new ScriptedApiClient()
      .answer('access:upload-begin', () => ({ stageId: 'stage-1' }))
      .answer('access:upload-part', () => {
        throw new ApiError('invalid_params', 'More bytes than the file size announced.', 'upload_too_long');
      })
      .answer('access:upload-cancel', () => ({ ok: true as const }));
    const store = createAccessStore(client);
    const file = Object.assign(new Blob(['abc']), { name: 'a.txt' });
    expect(await store.getState().uploadFile('lease-1', 0, '/scratch', file)).toBeNull();
    expect(store.getState().staging).toMatchObject([{ name: 'a.txt', error: expect.stringContaining('More bytes') }]);
    expect(client.callsOf('access:upload-cancel')).toEqual([{ stageId: 'stage-1' }]);
  });
});
