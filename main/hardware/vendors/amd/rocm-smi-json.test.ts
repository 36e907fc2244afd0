import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Gpu } from '../../../../common/hardware/gpu';
import { FIXTURES_GPU_DIR } from '../../nvidia-smi-replay';
import { parseRocmSmiJson, RocmSmiJsonError } from './rocm-smi-json';

// A real `rocm-smi … --json` from 4× Instinct MI100 on ROCm 6.0.2 (fixtures/gpu/SOURCES.md).
const capture = readFileSync(join(FIXTURES_GPU_DIR, 'rocm-smi.mi100-x4.rocm602.json'), 'utf8');

describe('parseRocmSmiJson', () => {
  it('reads the four MI100 cards in card order, with the driver from "system"', () => {
    const gpus = parseRocmSmiJson(capture);
    expect(gpus.map((g) => [g.index, g.uuid, g.busId])).toEqual([
      [0, '0x79ccd55167a2124a', '0000:83:00.0'],
      [1, '0x4edfb117a17a07d', '0000:A3:00.0'],
      [2, '0xd4a9ec48d03d261d', '0000:C3:00.0'],
      [3, '0x1b9dd972253c3736', '0000:E3:00.0'],
    ]);
    expect(gpus[0]).toEqual<Gpu>({
      vendor: 'amd',
      index: 0,
      uuid: '0x79ccd55167a2124a',
      name: 'AMD Instinct MI100',
      busId: '0000:83:00.0',
      vramTotalMiB: 32752, // 34342961152 B
      vramUsedMiB: 6, // 6750208 B
      driverVersion: '6.3.6',
      cudaVersion: null,
      pcie: { generation: 4, maxGeneration: null, linkWidth: 16, maxLinkWidth: null }, // "16.0GT/s x16"
      powerLimitW: 290,
      powerDrawW: 36,
      temperatureC: 53, // edge sensor
      utilizationPct: 0,
      fanPct: null, // MI100 is passively cooled: no fan key
      migMode: null,
      processes: [],
      lendable: false,
    });
    expect(gpus.map((g) => [g.temperatureC, g.powerDrawW])).toEqual([
      [53, 36],
      [55, 44],
      [54, 43],
      [51, 39],
    ]);
  });

  it('finds no GPU in an answer without cards, and rejects text that is not JSON', () => {
    expect(parseRocmSmiJson('{"system": {"Driver version": "6.3.6"}}')).toEqual([]);
    expect(() => parseRocmSmiJson('ERROR: GPU[0] : Unable to read')).toThrow(RocmSmiJsonError);
    expect(() => parseRocmSmiJson('[1, 2]')).toThrow(RocmSmiJsonError);
  });
});
