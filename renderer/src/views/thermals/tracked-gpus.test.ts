import { describe, expect, it } from 'vitest';
import type { Gpu } from '../../../../common/hardware/gpu';
import { trackedGpus } from './tracked-gpus';

function gpu(index: number, uuid: string, vendor: Gpu['vendor'] = 'nvidia'): Gpu {
  return {
    vendor,
    index,
    uuid,
    name: 'NVIDIA GeForce RTX 4090',
    busId: null,
    vramTotalMiB: 24564,
    vramUsedMiB: null,
    driverVersion: null,
    cudaVersion: null,
    pcie: { generation: null, maxGeneration: null, linkWidth: null, maxLinkWidth: null },
    powerLimitW: null,
    powerDrawW: null,
    temperatureC: null,
    utilizationPct: null,
    fanPct: null,
    migMode: null,
    processes: [],
    lendable: true,
  };
}

describe('trackedGpus', () => {
  it('orders detected GPUs by index, then GPUs only telemetry knows', () => {
    const tracked = trackedGpus(
      [gpu(1, 'GPU-b'), gpu(0, 'GPU-a')],
      [
        { uuid: 'GPU-z', index: 3 },
        { uuid: 'GPU-a', index: 0 },
        { uuid: 'GPU-y', index: 2 },
      ],
    );
    expect(tracked.map((g) => g.uuid)).toEqual(['GPU-a', 'GPU-b', 'GPU-y', 'GPU-z']);
    expect(tracked.map((g) => g.label)).toEqual(['GPU 0', 'GPU 1', 'GPU 2 (gone)', 'GPU 3 (gone)']);
  });

  it('names GPUs by vendor when NVIDIA and AMD both count from 0', () => {
    const tracked = trackedGpus([gpu(0, 'amd-0', 'amd'), gpu(0, 'GPU-a'), gpu(1, 'GPU-b')], []);
    expect(tracked.map((g) => g.label)).toEqual(['NVIDIA 0', 'NVIDIA 1', 'AMD 0']);
  });

  it('lists nothing when nothing is known', () => {
    expect(trackedGpus([], [])).toEqual([]);
  });
});
