import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Gpu } from '../../../../common/hardware/gpu';
import { NvidiaSmiXmlError, parseNvidiaSmiXml } from './nvidia-smi-xml';
import { FIXTURES_GPU_DIR } from '../../nvidia-smi-replay';

// Real `nvidia-smi -q -x` captures (fixtures/gpu/SOURCES.md says where each came from).
const capture = (name: string) => readFileSync(join(FIXTURES_GPU_DIR, name), 'utf8');
const parse = (name: string) => parseNvidiaSmiXml(capture(name));

function assertNoNaN(value: unknown, path = 'gpu'): void {
  if (typeof value === 'number') expect(Number.isNaN(value), `${path} is NaN`).toBe(false);
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) assertNoNaN(v, `${path}.${k}`);
  }
}

describe('parseNvidiaSmiXml', () => {
  it('reads every capture: GPU count matches attached_gpus, no NaN, unique UUIDs', async () => {
    const files = readdirSync(FIXTURES_GPU_DIR).filter((f) => f.endsWith('.xml'));
    expect(files).toHaveLength(7);
    for (const file of files) {
      const xml = capture(file);
      const attached = Number(/<attached_gpus>(\d+)<\/attached_gpus>/.exec(xml)?.[1]);
      const gpus = await parseNvidiaSmiXml(xml);
      expect(gpus, file).toHaveLength(attached);
      expect(new Set(gpus.map((g) => g.uuid)).size, file).toBe(gpus.length);
      gpus.forEach((g, i) => {
        expect(g.vendor).toBe('nvidia');
        expect(g.index).toBe(i);
        expect(g.uuid, file).toMatch(/^GPU-[0-9a-f-]{36}$/);
        assertNoNaN(g, file);
      });
    }
  });

  it('8× Tesla V100S (driver 460, CUDA 11.2): every GPU, with its compute process', async () => {
    const gpus = await parse('nvidia-smi-q-x.v100s-x8.xml');
    expect(gpus).toHaveLength(8);
    expect(gpus[0]).toEqual<Gpu>({
      vendor: 'nvidia',
      index: 0,
      uuid: 'GPU-76098dc1-d3bc-9a1b-7ea6-f7b48837829e',
      name: 'Tesla V100S-PCIE-32GB',
      busId: '00000000:00:0D.0',
      vramTotalMiB: 32510,
      vramUsedMiB: 31689,
      driverVersion: '460.73.01',
      cudaVersion: '11.2',
      pcie: { generation: 3, maxGeneration: 3, linkWidth: 16, maxLinkWidth: 16 },
      powerLimitW: 250,
      powerDrawW: 232.8,
      temperatureC: 66,
      utilizationPct: 97,
      fanPct: null, // passively cooled: fan_speed N/A
      migMode: null, // mig_mode N/A on Volta
      processes: [{ pid: 37305, type: 'C', name: 'python', usedMemoryMiB: 31683 }],
      lendable: false,
    });
    expect(gpus.map((g) => g.busId)).toEqual([
      '00000000:00:0D.0',
      '00000000:00:0E.0',
      '00000000:00:0F.0',
      '00000000:00:10.0',
      '00000000:00:11.0',
      '00000000:00:12.0',
      '00000000:00:13.0',
      '00000000:00:14.0',
    ]);
    expect(gpus[7]).toMatchObject({
      index: 7,
      uuid: 'GPU-1d955959-c95b-4f40-2cac-100d3006ffe2',
      temperatureC: 57,
      powerDrawW: 61.47,
      utilizationPct: 99,
      vramUsedMiB: 29501,
    });
  });

  it('2× RTX 2080 Ti on driver 410 (no mig_mode element, idle link at gen 1)', async () => {
    const gpus = await parse('nvidia-smi-q-x.rtx2080ti-x2-driver410.xml');
    expect(gpus.map((g) => g.uuid)).toEqual([
      'GPU-57567e11-0be2-381b-5132-2ad95c262e58',
      'GPU-ef1d0068-5bfd-f1e4-7e79-ff35d71d44b8',
    ]);
    expect(gpus[1]).toMatchObject({
      name: 'GeForce RTX 2080 Ti',
      busId: '00000000:03:00.0',
      vramTotalMiB: 10989,
      vramUsedMiB: 0,
      driverVersion: '410.73',
      cudaVersion: '10.0',
      pcie: { generation: 1, maxGeneration: 3, linkWidth: 16, maxLinkWidth: 16 },
      powerLimitW: 250,
      powerDrawW: 19.11,
      temperatureC: 24,
      fanPct: 22,
      migMode: null,
      processes: [],
      lendable: false,
    });
  });

  it('GRID K520 on driver 352: inline DTD, no cuda_version at all', async () => {
    const [gpu, ...rest] = await parse('nvidia-smi-q-x-dtd.grid-k520-driver352.xml');
    expect(rest).toEqual([]);
    expect(gpu).toMatchObject({
      name: 'GRID K520',
      uuid: 'GPU-cc96d6f4-7f66-e1fc-8179-a45dbd47664c',
      busId: '0000:00:03.0',
      driverVersion: '352.99',
      cudaVersion: null,
      vramTotalMiB: 4095,
      vramUsedMiB: 11,
      pcie: { generation: 1, maxGeneration: 3, linkWidth: 16, maxLinkWidth: 16 },
      powerLimitW: 125,
      powerDrawW: 17.95,
      temperatureC: 30,
      utilizationPct: 0,
      fanPct: null,
      processes: [],
    });
  });

  it('A100 SXM4 with MIG enabled: utilisation is N/A under MIG', async () => {
    const [gpu] = await parse('nvidia-smi-q-x.a100-sxm4-mig.xml');
    expect(gpu).toMatchObject({
      name: 'NVIDIA A100-SXM4-40GB',
      uuid: 'GPU-27b94a00-ed54-5c24-b1fd-1054085de32a',
      driverVersion: '510.47.03',
      cudaVersion: '11.6',
      migMode: 'enabled',
      utilizationPct: null,
      vramTotalMiB: 40960,
      vramUsedMiB: 38,
      pcie: { generation: 4, maxGeneration: 4, linkWidth: 16, maxLinkWidth: 16 },
      powerLimitW: 400,
      powerDrawW: 66.92,
      temperatureC: 36,
    });
  });

  it('RTX 2080 on Windows (WDDM): C+G processes, some without a name or memory figure', async () => {
    const [gpu] = await parse('nvidia-smi-q-x.rtx2080-windows-wddm.xml');
    expect(gpu).toMatchObject({
      name: 'NVIDIA GeForce RTX 2080',
      uuid: 'GPU-fbd55ed4-1eec-4423-0a47-ad594b4333e3',
      driverVersion: '516.59',
      cudaVersion: '11.7',
      vramTotalMiB: 8192,
      vramUsedMiB: 862,
      pcie: { generation: 3, maxGeneration: 3, linkWidth: 8, maxLinkWidth: 16 },
      powerLimitW: 275,
      powerDrawW: 14.5,
      temperatureC: 29,
      utilizationPct: 2,
      fanPct: 37,
      migMode: null,
    });
    expect(gpu!.processes).toHaveLength(26);
    expect(new Set(gpu!.processes.map((p) => p.type))).toEqual(new Set(['C+G']));
    expect(gpu!.processes.every((p) => p.usedMemoryMiB === null)).toBe(true);
    expect(gpu!.processes[0]).toEqual({
      pid: 7724,
      type: 'C+G',
      name: 'C:\\Program Files\\WindowsApps\\Microsoft.YourPhone_1.22062.543.0_x64__8wekyb3d8bbwe\\PhoneExperienceHost.exe',
      usedMemoryMiB: null,
    });
    expect(gpu!.processes.find((p) => p.pid === 10808)?.name).toBe('');
  });

  it('RTX 4000 SFF Ada on driver 595 (v13): gpu_power_readings, average draw, C / G / C+G processes', async () => {
    const [gpu] = await parse('nvidia-smi-q-x.rtx4000-sff-ada-v13-processes.xml');
    expect(gpu).toMatchObject({
      name: 'NVIDIA RTX 4000 SFF Ada Generation',
      uuid: 'GPU-37037c3f-65c8-ec4d-24a9-420204ad8026',
      driverVersion: '595.84',
      cudaVersion: '13.2',
      vramTotalMiB: 20475,
      vramUsedMiB: 3534,
      pcie: { generation: 1, maxGeneration: 4, linkWidth: 16, maxLinkWidth: 16 },
      powerLimitW: 70,
      powerDrawW: 8.81,
      temperatureC: 38,
      fanPct: 30,
      migMode: null,
    });
    expect(gpu!.processes).toEqual([
      { pid: 1842, type: 'G', name: 'cosmic-comp', usedMemoryMiB: 410 },
      { pid: 3190, type: 'G', name: '/usr/bin/code', usedMemoryMiB: 451 },
      { pid: 4937, type: 'C', name: 'python', usedMemoryMiB: 160 },
      { pid: 34626, type: 'C+G', name: '/usr/lib/chromium/chromium', usedMemoryMiB: 183 },
    ]);
  });

  it('RTX 4090 on driver 535: current_power_limit, link max limited by the host (gen 3 of 4)', async () => {
    const [gpu] = await parse('nvidia-smi-q-x.rtx4090-linux.xml');
    expect(gpu).toMatchObject({
      name: 'NVIDIA GeForce RTX 4090',
      uuid: 'GPU-71d1acc2-662d-2166-bf9f-65272d2fc437',
      busId: '00000000:84:00.0',
      driverVersion: '535.86.05',
      cudaVersion: '12.2',
      vramTotalMiB: 24564,
      vramUsedMiB: 2,
      pcie: { generation: 1, maxGeneration: 3, linkWidth: 16, maxLinkWidth: 16 },
      powerLimitW: 450,
      powerDrawW: 26.84,
      temperatureC: 40,
      utilizationPct: 0,
      fanPct: 0,
      migMode: null,
      processes: [],
      lendable: false,
    });
  });

  it('rejects output that is not nvidia-smi XML, with a reason', async () => {
    await expect(parseNvidiaSmiXml('NVIDIA-SMI has failed')).rejects.toBeInstanceOf(NvidiaSmiXmlError);
    await expect(parseNvidiaSmiXml('<other/>')).rejects.toThrow(/nvidia_smi_log/);
    // A truncated capture (a killed child) must fail cleanly, not yield half a GPU.
    const truncated = capture('nvidia-smi-q-x.rtx4090-linux.xml').slice(0, 5000);
    await expect(parseNvidiaSmiXml(truncated)).rejects.toBeInstanceOf(NvidiaSmiXmlError);
  });
});
