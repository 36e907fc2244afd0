import { describe, expect, it } from 'vitest';
import type { Gpu } from '../../../../common/hardware/gpu';
import { gpuSummary } from './gpu-summary';

function gpu(index: number, vramTotalMiB: number | null, powerLimitW: number | null): Gpu {
  return {
    vendor: 'nvidia',
    index,
    uuid: `GPU-${index}`,
    name: 'Tesla V100S-PCIE-32GB',
    busId: null,
    vramTotalMiB,
    vramUsedMiB: null,
    driverVersion: null,
    cudaVersion: null,
    pcie: { generation: null, maxGeneration: null, linkWidth: null, maxLinkWidth: null },
    powerLimitW,
    powerDrawW: null,
    temperatureC: null,
    utilizationPct: null,
    fanPct: null,
    migMode: null,
    processes: [],
    lendable: true,
  };
}

describe('gpuSummary', () => {
  it('adds VRAM and power limits', () => {
    expect(gpuSummary([gpu(0, 32768, 250), gpu(1, 32768, 250)])).toBe('2 GPUs · 64 GiB VRAM · 500 W power limit');
  });

  it('leaves out a total with an unknown part', () => {
    expect(gpuSummary([gpu(0, 32768, null), gpu(1, 32768, 250)])).toBe('2 GPUs · 64 GiB VRAM');
    expect(gpuSummary([gpu(0, null, null)])).toBe('1 GPU');
  });

  it('says when a counted GPU cannot be lent (an AMD card without its render node)', () => {
    const amd = { ...gpu(1, 32768, 290), vendor: 'amd' as const, lendable: false };
    expect(gpuSummary([gpu(0, 32768, 250), amd])).toBe('2 GPUs · 64 GiB VRAM · 540 W power limit · 1 cannot be lent');
    expect(gpuSummary([amd])).toBe('1 GPU · 32 GiB VRAM · 290 W power limit · none can be lent');
  });
});
