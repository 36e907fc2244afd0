import { z } from 'zod';

/**
 * Money on the wire: integer base units of the token (USDC has 6 decimals, so 1 USDC is
 * "1000000") as a decimal string, because JSON numbers lose precision past 2^53 and a
 * float is never money. In code it is a bigint; the token travels next to it (`token`,
 * a symbol of common/money's registry). Text for people: common/money/amount-text.ts.
 */

/** Up to 30 digits, no sign, no leading zeros: far above any supply, far below abuse. */
export const baseUnitsSchema = z
  .string()
  .regex(/^(0|[1-9][0-9]{0,29})$/, 'an amount is a whole number of base units written as a decimal string, e.g. "1500000"');

export function parseBaseUnits(value: string): bigint {
  return BigInt(baseUnitsSchema.parse(value));
}

export function formatBaseUnits(value: bigint): string {
  if (value < 0n) throw new RangeError(`an amount cannot be negative (got ${value})`);
  return value.toString(10);
}

export const MS_PER_HOUR = 3_600_000;

/**
 * What `gpuCount` GPUs cost for `durationMs` at `pricePerGpuHour`, rounded UP to a whole
 * base unit so a supplier is never paid less than the offer for the time it delivers.
 */
export function costForGpuTime(pricePerGpuHour: bigint, gpuCount: number, durationMs: number): bigint {
  if (!Number.isSafeInteger(gpuCount) || gpuCount < 0) throw new RangeError(`bad GPU count ${gpuCount}`);
  if (!Number.isSafeInteger(durationMs) || durationMs < 0) throw new RangeError(`bad duration ${durationMs} ms`);
  const numerator = pricePerGpuHour * BigInt(gpuCount) * BigInt(durationMs);
  const hour = BigInt(MS_PER_HOUR);
  return (numerator + hour - 1n) / hour;
}

/**
 * What increment `index` (0-based, as on the wire) of `gpuCount` GPUs at `pricePerGpuHour`
 * costs, so that the increments of a lease always sum exactly to the cost of its whole
 * duration: the cost up to the increment's end, rounded up, less the cost up to its start,
 * rounded up. Rounding each increment up on its own made a 30-minute lease of three
 * 10-minute increments at 1.30 per GPU-hour cost 0.650001 instead of 0.65; this way the
 * parts differ by at most one base unit and every prefix (a lease extended or ended at any
 * increment) sums to its exact total. Hub and supplier compute it alike from the terms.
 */
export function costForIncrement(pricePerGpuHour: bigint, gpuCount: number, incrementMs: number, index: number): bigint {
  if (!Number.isSafeInteger(index) || index < 0) throw new RangeError(`bad increment index ${index}`);
  return costForGpuTime(pricePerGpuHour, gpuCount, (index + 1) * incrementMs) - costForGpuTime(pricePerGpuHour, gpuCount, index * incrementMs);
}

/** What increments [0, count) cost together: exactly the whole duration, rounded up once. */
export function costForIncrements(pricePerGpuHour: bigint, gpuCount: number, incrementMs: number, count: number): bigint {
  return costForGpuTime(pricePerGpuHour, gpuCount, count * incrementMs);
}

/**
 * What increment `index` of one node costs: its GPUs plus, when the job bought internet
 * egress there, the egress price per node-hour. Each part is exact-sum on its own
 * (`costForIncrement`), so the node's increments still sum exactly to its whole cost.
 * Hub, supplier and renter's app compute it alike.
 */
export function nodeCostForIncrement(
  node: { pricePerGpuHour: string; gpuCount: number; egressPricePerHour?: string | null | undefined },
  incrementMs: number,
  index: number,
): bigint {
  const gpus = costForIncrement(BigInt(node.pricePerGpuHour), node.gpuCount, incrementMs, index);
  const egress = node.egressPricePerHour == null ? 0n : costForIncrement(BigInt(node.egressPricePerHour), 1, incrementMs, index);
  return gpus + egress;
}

/** What one node costs for `durationMs` (GPUs plus egress when bought), each part rounded up once. */
export function nodeCostForTime(node: { pricePerGpuHour: string; gpuCount: number; egressPricePerHour?: string | null | undefined }, durationMs: number): bigint {
  const egress = node.egressPricePerHour == null ? 0n : costForGpuTime(BigInt(node.egressPricePerHour), 1, durationMs);
  return costForGpuTime(BigInt(node.pricePerGpuHour), node.gpuCount, durationMs) + egress;
}
