import { describe, expect, it } from 'vitest';
import type { Gpu } from '../hardware/gpu';
import { workerHardwareFrom } from './hardware-report';
import { workerHardwareSchema } from './market-types';

const gpu = (over: Partial<Gpu>): Gpu => ({
  vendor: 'nvidia',
  index: 0,
  uuid: 'GPU-5e8c9a5e-7b1d-2f0c-9b5f-3c0f1d2e4a6b',
  name: 'NVIDIA GeForce RTX 4090',
  busId: '00000000:01:00.0',
  vramTotalMiB: 24_564,
  vramUsedMiB: 1,
  driverVersion: '550.54.14',
  cudaVersion: '12.4',
  pcie: { generation: 4, maxGeneration: 4, linkWidth: 16, maxLinkWidth: 16 },
  powerLimitW: 450,
  powerDrawW: 30,
  temperatureC: 40,
  utilizationPct: 0,
  fanPct: 30,
  migMode: null,
  processes: [],
  lendable: true,
  ...over,
});

describe('workerHardwareFrom', () => {
  it('reports GPUs by uuid, model and memory, drops the ones that cannot be leased, and passes the hello schema', () => {
    const report = workerHardwareFrom({
      detectedAtMs: 1,
      gpus: [gpu({}), gpu({ index: 1, uuid: '' }), gpu({ index: 2, uuid: 'GPU-2', vramTotalMiB: null }), gpu({ index: 3, uuid: 'amd-3', lendable: false })],
      sources: [],
      host: { hostname: 'secret-name', os: 'Ubuntu 22.04', cpuModel: 'AMD Ryzen 9 7950X', cpuCores: 32, ramTotalBytes: 64 * 1024 ** 3, disks: [], otherGpus: [] },
    });
    expect(report).toEqual({
      gpus: [{ uuid: 'GPU-5e8c9a5e-7b1d-2f0c-9b5f-3c0f1d2e4a6b', model: 'NVIDIA GeForce RTX 4090', vramMiB: 24_564, index: 0 }],
      cpuModel: 'AMD Ryzen 9 7950X',
      cpuCores: 32,
      ramMiB: 65_536,
      os: 'Ubuntu 22.04',
    });
    expect(JSON.stringify(report)).not.toContain('secret-name');
    expect(workerHardwareSchema.parse(report)).toEqual(report);
  });
});
