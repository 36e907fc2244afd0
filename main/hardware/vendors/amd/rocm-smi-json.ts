import type { Gpu, TelemetrySample } from '../../../../common/hardware/gpu';
import { numberOf, textOf } from '../../reported-values';

/**
 * The flags we pass to rocm-smi: a subset of the ones telegraf uses (the command our
 * capture was made with), so a real rocm-smi answers with the keys read below.
 */
export const ROCM_SMI_ARGS = [
  '--showid',
  '--showproductname',
  '--showuniqueid',
  '--showbus',
  '--showmeminfo',
  'vram',
  '--showtemp',
  '--showpower',
  '--showmaxpower',
  '--showuse',
  '--showfan',
  '--showclocks',
  '--showdriverversion',
  '--json',
] as const;

/** rocm-smi printed JSON this parser cannot read, or not the object of cards it expects. */
export class RocmSmiJsonError extends Error {
  override readonly name = 'RocmSmiJsonError';
}

const MIB = 1024 * 1024;

/**
 * Reads `rocm-smi … --json`: one object per card ("card0", "card1", …) with
 * human-readable keys whose spelling varies between ROCm releases ("Card series" /
 * "Card Series"), so keys are matched without regard to case. The "system" object holds
 * the driver version.
 */
export function parseRocmSmiJson(json: string): Gpu[] {
  const root = rocmTree(json);
  const driverVersion = textOf(key(root.system, 'Driver version'));
  return cardsOf(root).map((c) => toGpu(c.card, c.index, driverVersion));
}

/**
 * One reading per card from the telemetry loop's `rocm-smi --show… --json` (see
 * ROCM_TELEMETRY_ARGS): the same keys as detection, so a GPU has the same id in both.
 */
export function parseRocmSmiTelemetry(json: string, tMs: number): TelemetrySample[] {
  return cardsOf(rocmTree(json)).map(({ card, index }) => {
    const gpu = toGpu(card, index, null);
    return {
      gpuUuid: gpu.uuid,
      gpuIndex: index,
      tMs,
      temperatureC: gpu.temperatureC,
      powerW: gpu.powerDrawW,
      utilizationPct: gpu.utilizationPct,
      vramUsedMiB: gpu.vramUsedMiB,
      fanPct: gpu.fanPct,
      smClockMHz: mhz(textOf(key(card, 'sclk clock speed:'))),
    };
  });
}

/** The flags the telemetry loop passes: only what a reading needs, so each run queries less. */
export const ROCM_TELEMETRY_ARGS = [
  '--showuniqueid',
  '--showbus',
  '--showtemp',
  '--showpower',
  '--showuse',
  '--showmeminfo',
  'vram',
  '--showfan',
  '--showclocks',
  '--json',
] as const;

function rocmTree(json: string): Record<string, unknown> {
  let tree: unknown;
  try {
    tree = JSON.parse(json);
  } catch (error) {
    throw new RocmSmiJsonError(`rocm-smi printed JSON that could not be read: ${String(error)}`);
  }
  if (tree === null || typeof tree !== 'object' || Array.isArray(tree)) {
    throw new RocmSmiJsonError('rocm-smi printed JSON that is not an object of cards');
  }
  return tree as Record<string, unknown>;
}

/** The "cardN" objects, by index. */
function cardsOf(root: Record<string, unknown>): Array<{ card: unknown; index: number }> {
  return Object.keys(root)
    .map((name) => ({ name, index: /^card(\d+)$/.exec(name)?.[1] }))
    .filter((c): c is { name: string; index: string } => c.index !== undefined)
    .map((c) => ({ card: root[c.name], index: Number(c.index) }))
    .sort((a, b) => a.index - b.index);
}

/** "(300Mhz)" → 300. */
function mhz(text: string | null): number | null {
  const match = text ? /(\d+(?:\.\d+)?)\s*mhz/i.exec(text) : null;
  return match ? Number(match[1]) : null;
}

function toGpu(card: unknown, index: number, driverVersion: string | null): Gpu {
  const busId = textOf(key(card, 'PCI Bus'));
  const uniqueId = textOf(key(card, 'Unique ID'));
  const vramTotal = numberOf(key(card, 'VRAM Total Memory (B)'));
  const vramUsed = numberOf(key(card, 'VRAM Total Used Memory (B)'));
  const pcie = pcieLevel(textOf(key(card, 'pcie clock level')));
  return {
    vendor: 'amd',
    index,
    uuid: uniqueId ?? `amd-bus-${busId ?? index}`,
    name: productName(card),
    busId,
    vramTotalMiB: vramTotal === null ? null : Math.round(vramTotal / MIB),
    vramUsedMiB: vramUsed === null ? null : Math.round(vramUsed / MIB),
    driverVersion,
    cudaVersion: null,
    pcie: { generation: pcie.generation, maxGeneration: null, linkWidth: pcie.width, maxLinkWidth: null },
    powerLimitW: numberOf(key(card, 'Max Graphics Package Power (W)')),
    // MI300 and newer report the socket power under another name.
    powerDrawW:
      numberOf(key(card, 'Average Graphics Package Power (W)')) ??
      numberOf(key(card, 'Current Socket Graphics Package Power (W)')),
    temperatureC:
      numberOf(key(card, 'Temperature (Sensor edge) (C)')) ?? numberOf(key(card, 'Temperature (Sensor junction) (C)')),
    utilizationPct: numberOf(key(card, 'GPU use (%)')),
    fanPct: numberOf(key(card, 'Fan speed (%)')),
    migMode: null,
    processes: [],
    // The vendor's driver decides (main/hardware/vendors): the tool's report alone cannot say.
    lendable: false,
  };
}

/** "Arcturus GL-XL [Instinct MI100]" → "AMD Instinct MI100": the marketing name is in brackets. */
function productName(card: unknown): string {
  const series = textOf(key(card, 'Card series'));
  const bracketed = series ? /\[([^\]]+)\]/.exec(series)?.[1] : undefined;
  if (bracketed) return `AMD ${bracketed}`;
  if (series) return series;
  const deviceId = textOf(key(card, 'Device ID'));
  return deviceId ? `AMD GPU (device ${deviceId})` : 'AMD GPU';
}

// PCIe transfer rate per lane → generation.
const GEN_BY_GTS: Record<string, number> = { '2.5': 1, '5.0': 2, '8.0': 3, '16.0': 4, '32.0': 5, '64.0': 6 };

/** "0 (16.0GT/s x16)" → generation 4, width 16. */
function pcieLevel(text: string | null): { generation: number | null; width: number | null } {
  const match = text ? /([\d.]+)\s*GT\/s\s*x(\d+)/i.exec(text) : null;
  if (!match) return { generation: null, width: null };
  const rate = Number(match[1]).toFixed(1);
  return { generation: GEN_BY_GTS[rate] ?? null, width: Number(match[2]) };
}

function key(node: unknown, name: string): unknown {
  if (node === null || typeof node !== 'object') return undefined;
  const record = node as Record<string, unknown>;
  if (name in record) return record[name];
  const lower = name.toLowerCase();
  const found = Object.keys(record).find((k) => k.toLowerCase() === lower);
  return found === undefined ? undefined : record[found];
}
