import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES_GPU_DIR, replayEnv } from '../../nvidia-smi-replay';
import { readNumber, TELEMETRY_QUERY_FIELDS, TelemetryLineReader, telemetryQueryArgs } from './telemetry-query';

const T_MS = 1_750_000_000_000;

/** The row of a real `--query-gpu --format=csv` capture, by column name (units dropped, as nounits does). */
function captureRow(file: string): Map<string, string> {
  const [header, row] = readFileSync(join(FIXTURES_GPU_DIR, file), 'utf8').split('\n');
  const names = header!.split(', ').map((h) => h.replace(/ \[.*\]$/, ''));
  const values = row!.split(', ').map((v) => v.replace(/ (W|%|MiB|MHz)$/, ''));
  return new Map(names.map((n, i) => [n, values[i]!]));
}

describe('telemetryQueryArgs', () => {
  it('asks for the columns the reader expects, streaming with -lms', () => {
    expect(telemetryQueryArgs(1000)).toEqual([
      '--query-gpu=index,uuid,temperature.gpu,power.draw,utilization.gpu,memory.used,fan.speed,clocks.sm',
      '--format=csv,noheader,nounits',
      '-lms',
      '1000',
    ]);
    expect(telemetryQueryArgs()).toHaveLength(2);
  });
});

describe('TelemetryLineReader', () => {
  it('reads the replayed V100S stream: real values, [N/A] fan as null', () => {
    const out = execFileSync('nvidia-smi', telemetryQueryArgs(), { env: replayEnv(), encoding: 'utf8' });
    const reader = new TelemetryLineReader();
    const samples = out.trim().split('\n').map((l) => reader.read(l, T_MS));
    expect(samples).toHaveLength(8);
    expect(samples[0]).toEqual({
      gpuUuid: 'GPU-76098dc1-d3bc-9a1b-7ea6-f7b48837829e',
      gpuIndex: 0,
      tMs: T_MS,
      temperatureC: 66,
      powerW: 232.8,
      utilizationPct: 97,
      vramUsedMiB: 31689,
      fanPct: null,
      smClockMHz: 1410,
    });
    expect(samples.map((s) => s!.gpuIndex)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('reads columns taken from real H100 (MIG, Linux) and RTX 2080 SUPER (Windows) captures', () => {
    const reader = new TelemetryLineReader();
    const asLine = (row: Map<string, string>) =>
      TELEMETRY_QUERY_FIELDS.map((f) => row.get(f) ?? row.get(f === 'clocks.sm' ? 'clocks.current.sm' : f)).join(', ');
    expect(reader.read(asLine(captureRow('nvidia-query-gpu.h100-mig-linux.csv')), T_MS)).toMatchObject({
      gpuIndex: 0,
      temperatureC: 42,
      powerW: 71.15,
      utilizationPct: null, // [N/A] under MIG
      vramUsedMiB: 59,
      fanPct: null,
      smClockMHz: 345,
    });
    expect(reader.read(asLine(captureRow('nvidia-query-gpu.rtx2080super-windows.csv')), T_MS)).toMatchObject({
      temperatureC: 44,
      powerW: 97.99,
      utilizationPct: 7,
      vramUsedMiB: 1366,
      fanPct: 38,
      smClockMHz: 2040,
    });
  });

  it('reads a nounits capture (Tesla P100), [N/A] included', () => {
    const row = captureRow('nvidia-query-gpu.tesla-p100.csv');
    const line = ['0', row.get('uuid'), row.get('temperature.gpu'), row.get('power.draw'), row.get('utilization.gpu'),
      row.get('memory.used'), row.get('fan.speed'), row.get('clocks.current.sm')].join(', ');
    expect(new TelemetryLineReader().read(line, T_MS)).toEqual({
      gpuUuid: 'GPU-ef1b2c9b-38d8-2090-2bd1-f567a3eb42a6',
      gpuIndex: 0,
      tMs: T_MS,
      temperatureC: 37,
      powerW: 28.16,
      utilizationPct: 0,
      vramUsedMiB: 0,
      fanPct: null,
      smClockMHz: 405,
    });
  });

  it('reuses the UUID string of a GPU from line to line', () => {
    const reader = new TelemetryLineReader();
    const a = reader.read('3, GPU-aaaa, 50, 100.5, 10, 1000, 30, 1500', T_MS)!;
    const b = reader.read('3, GPU-aaaa, 51, 101.5, 11, 1001, 31, 1501', T_MS)!;
    expect(b.gpuUuid).toBe(a.gpuUuid);
    // A different GPU on the same index (after a driver reload) is not mistaken for the old one.
    expect(reader.read('3, GPU-bbbb, 51, 101.5, 11, 1001, 31, 1501', T_MS)!.gpuUuid).toBe('GPU-bbbb');
  });

  it('turns [Not Supported] and friends into null, and ignores lines that are not readings', () => {
    const reader = new TelemetryLineReader();
    expect(reader.read('0, GPU-x, [Not Supported], [N/A], [Unknown Error], 5, [N/A], 300\r', T_MS)).toMatchObject({
      temperatureC: null,
      powerW: null,
      utilizationPct: null,
      vramUsedMiB: 5,
      smClockMHz: 300,
    });
    expect(reader.read('Unable to determine the device handle for GPU 0000:01:00.0: Unknown Error', T_MS)).toBeNull();
    expect(reader.read('index, uuid, temperature.gpu', T_MS)).toBeNull();
    expect(reader.read('0, GPU-x, 50, 100', T_MS)).toBeNull(); // too few columns
    expect(reader.read('0, GPU-x, 50, 100, 1, 2, 3, 4, 5', T_MS)).toBeNull(); // too many
    expect(reader.read('', T_MS)).toBeNull();
  });
});

describe('readNumber', () => {
  const n = (text: string) => readNumber(text, 0, text.length);
  it('reads decimals exactly as Number() does, and nothing else', () => {
    for (const text of ['232.80', '0', '61.47', '-7', '450.00', '1.005', '31689', ' 42 ']) expect(n(text)).toBe(Number(text));
    for (const text of ['[N/A]', '[Not Supported]', '', '  ', '12abc', '1.2.3', '-', '.', 'NaN']) expect(n(text)).toBeNull();
  });
});
