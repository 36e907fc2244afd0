/**
 * How fast each GPU model multiplies and moves memory, for the attestation deadline. The
 * numbers are sustained rates, about 60 % of each vendor's dense peak (TF32 tensor cores
 * where the model has them, plain fp32 where it has not): an honest GPU meets them with
 * room to spare, and the deadline doubles the estimate on top (attestation-params.ts).
 *
 * Order matters: the first entry whose pattern matches the claimed model name wins, so
 * more specific names come first. A model not listed gets the `unknown-gpu` class: slow
 * numbers, a long deadline; its memory is still checked.
 */
export interface GpuClass {
  /** A short name shown to people ("H100 SXM", "CPU (sandbox)"). */
  name: string;
  /** Sustained fp32/TF32 matrix-multiply rate, in GFLOP per second. */
  matmulGflops: number;
  /** Sustained device-memory bandwidth for the element-wise passes, in MB per second. */
  memoryMBps: number;
}

interface CatalogEntry extends GpuClass {
  pattern: RegExp;
}

const CATALOG: readonly CatalogEntry[] = [
  { pattern: /H100.*(SXM|HBM3)/i, name: 'H100 SXM', matmulGflops: 296_000, memoryMBps: 2_000_000 },
  { pattern: /H100/i, name: 'H100 PCIe', matmulGflops: 227_000, memoryMBps: 1_200_000 },
  { pattern: /A100.*80/i, name: 'A100 80GB', matmulGflops: 94_000, memoryMBps: 1_220_000 },
  { pattern: /A100/i, name: 'A100 40GB', matmulGflops: 94_000, memoryMBps: 930_000 },
  { pattern: /L40S/i, name: 'L40S', matmulGflops: 110_000, memoryMBps: 520_000 },
  { pattern: /A10\b/i, name: 'A10', matmulGflops: 37_000, memoryMBps: 360_000 },
  { pattern: /RTX 4090/i, name: 'RTX 4090', matmulGflops: 49_000, memoryMBps: 600_000 },
  { pattern: /RTX 3090/i, name: 'RTX 3090', matmulGflops: 21_000, memoryMBps: 560_000 },
  { pattern: /RTX 3080/i, name: 'RTX 3080', matmulGflops: 18_000, memoryMBps: 450_000 },
  { pattern: /V100S/i, name: 'V100S', matmulGflops: 9_800, memoryMBps: 680_000 },
  { pattern: /V100/i, name: 'V100', matmulGflops: 9_400, memoryMBps: 540_000 },
  { pattern: /T4\b/i, name: 'T4', matmulGflops: 4_800, memoryMBps: 190_000 },
  { pattern: /MI100/i, name: 'MI100', matmulGflops: 27_000, memoryMBps: 730_000 },
];

/** Anything the catalog does not know: slow enough that no real GPU of today misses it. */
export const UNKNOWN_GPU: GpuClass = { name: 'unknown GPU', matmulGflops: 2_000, memoryMBps: 100_000 };

/**
 * The sandbox class: PyTorch on the CPU of a shared two-core test machine (or the app's
 * in-process Node compute). Proves nothing about GPUs; it exercises the protocol.
 */
export const CPU_SANDBOX: GpuClass = { name: 'CPU (sandbox)', matmulGflops: 1, memoryMBps: 50 };

export function gpuClassOf(model: string): GpuClass {
  const entry = CATALOG.find((e) => e.pattern.test(model));
  return entry ? { name: entry.name, matmulGflops: entry.matmulGflops, memoryMBps: entry.memoryMBps } : UNKNOWN_GPU;
}

/** Every class with a catalog entry, for the benchmark's margin table. */
export function catalogClasses(): GpuClass[] {
  return CATALOG.map(({ name, matmulGflops, memoryMBps }) => ({ name, matmulGflops, memoryMBps }));
}
