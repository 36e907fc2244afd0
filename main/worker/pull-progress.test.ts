import { describe, expect, it } from 'vitest';
import { PullProgressTracker } from './pull-progress';

describe('PullProgressTracker', () => {
  it('sums layers into bytes and layers done, as Docker reports them', () => {
    const t = new PullProgressTracker('job-1', 'reg/img:1');
    expect(t.snapshot().phase).toBe('resolving');
    t.apply({ status: 'Pulling from img', id: '1' });
    t.apply({ status: 'Already exists', id: 'aaa' });
    t.apply({ status: 'Pulling fs layer', id: 'bbb' });
    t.apply({ status: 'Pulling fs layer', id: 'ccc' });
    t.apply({ status: 'Downloading', id: 'bbb', progressDetail: { current: 100, total: 1000 } });
    t.apply({ status: 'Downloading', id: 'ccc', progressDetail: { current: 50, total: 500 } });
    expect(t.snapshot()).toMatchObject({ phase: 'downloading', layersTotal: 3, layersDone: 1, bytesDone: 150, bytesTotal: 1500 });
    t.apply({ status: 'Download complete', id: 'bbb' });
    t.apply({ status: 'Extracting', id: 'bbb', progressDetail: { current: 10, total: 1000 } });
    expect(t.snapshot()).toMatchObject({ phase: 'extracting', bytesDone: 1050 });
    t.apply({ status: 'Pull complete', id: 'bbb' });
    t.apply({ status: 'Verifying Checksum', id: 'ccc' });
    t.apply({ status: 'Pull complete', id: 'ccc' });
    t.apply({ status: 'Digest: sha256:abc' });
    t.apply({ status: 'Status: Downloaded newer image for reg/img:1' });
    expect(t.snapshot()).toEqual({
      jobId: 'job-1',
      image: 'reg/img:1',
      phase: 'done',
      layersTotal: 3,
      layersDone: 3,
      bytesDone: 1500,
      bytesTotal: 1500,
    });
  });
});
