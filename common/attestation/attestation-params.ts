import type { GpuClass } from './gpu-catalog';
import { CPU_SANDBOX, gpuClassOf } from './gpu-catalog';

/**
 * The size of one node's challenge and its deadline, from what the node claims (GPU model,
 * memory per GPU, how many) and where it runs.
 *
 * The node multiplies A (rows × n) by B (n × n). B is shared; A is `blocksPerGpu` n×n
 * blocks per GPU, so the product C fills the working set: rows·n·4 bytes ≈ `WORKING_SET_
 * FRACTION` of each GPU's claimed memory beyond RESERVED_MIB. Keeping C in device memory until the opening is
 * the memory proof: a GPU with less memory than claimed cannot allocate it. The verifier's
 * cost is B·r (n² entries) once plus k·n per opened row, whatever `rows` is; so n is fixed
 * by what the verifier can afford (bench `attest`), and the GPU's work grows with its
 * memory instead.
 *
 * Deadline = FIXED_MS (the hub's relay both ways, the script's bookkeeping) + SLACK × the
 * honest estimate, where the estimate is the product's flops at the class's matmul rate
 * plus the element-wise passes (generating A, the digests) at its memory rate:
 *
 *   estimateMs = 2·rows·n² / (matmulGflops·1e6) + rows·n·ELEMENTWISE_BYTES / (memoryMBps·1e3)
 */
export const PRODUCTION_N = 8192;
export const PRODUCTION_K = 32;
export const PRODUCTION_GROUP_ROWS = 256;
export const SANDBOX_N = 256;
export const SANDBOX_K = 16;
export const SANDBOX_GROUP_ROWS = 64;

/**
 * The product fills this share of each GPU's claimed memory after RESERVED_MIB for the CUDA
 * context and the script's temporaries (about 1.5 GiB at n = 8192), so an 8 GiB card still
 * fits its honest share and an 80 GiB card holds 62 GiB.
 */
export const WORKING_SET_FRACTION = 0.8;
export const RESERVED_MIB = 2048;
/**
 * The sandbox's CPU holds 1/4096 of the claimed memory: a 24 GiB claim is a 4.4 MiB product,
 * seconds of torch on one core, so a shared and busy test machine still meets the deadline.
 */
export const SANDBOX_MEMORY_SCALE = 1 / 4096;
/** Bytes of memory traffic per product entry for the element-wise passes (int64 temporaries). */
export const ELEMENTWISE_BYTES = 400;
export const SLACK = 2;
export const PRODUCTION_FIXED_MS = 1_500;
/** The sandbox runs on a shared CPU: a long fixed allowance so load does not fail an honest node. */
export const SANDBOX_FIXED_MS = 30_000;

export type AttestationDevice = 'cuda' | 'cpu';

export interface AttestationClaim {
  gpuModel: string;
  vramMiB: number;
  gpuCount: number;
}

export interface AttestationParams {
  device: AttestationDevice;
  gpuClass: GpuClass;
  n: number;
  /** n×n blocks of A (and of C) per GPU. */
  blocksPerGpu: number;
  gpuCount: number;
  /** Rows of the product: gpuCount · blocksPerGpu · n. */
  rows: number;
  groupRows: number;
  /** Rows opened after the commitment. */
  k: number;
  /** What the product holds in each GPU's memory. */
  workingSetBytesPerGpu: number;
  estimateMs: number;
  deadlineMs: number;
}

/**
 * `device` is 'cuda' on real grids (devnet, mainnet, private grids on a real chain) and
 * 'cpu' on the Sandbox, where the CPU class replaces the claimed model's numbers.
 */
export function attestationParams(claim: AttestationClaim, device: AttestationDevice): AttestationParams {
  const sandbox = device === 'cpu';
  const n = sandbox ? SANDBOX_N : PRODUCTION_N;
  const gpuClass = sandbox ? CPU_SANDBOX : gpuClassOf(claim.gpuModel);
  const claimedBytes = Math.max(0, claim.vramMiB - RESERVED_MIB) * 1024 * 1024;
  const target = claimedBytes * WORKING_SET_FRACTION * (sandbox ? SANDBOX_MEMORY_SCALE : 1);
  const blockBytes = n * n * 4;
  const blocksPerGpu = Math.max(1, Math.floor(target / blockBytes));
  const gpuCount = Math.max(1, claim.gpuCount);
  const rowsPerGpu = blocksPerGpu * n;
  const estimateMs = honestEstimateMs(gpuClass, rowsPerGpu, n);
  return {
    device,
    gpuClass,
    n,
    blocksPerGpu,
    gpuCount,
    rows: rowsPerGpu * gpuCount,
    groupRows: sandbox ? SANDBOX_GROUP_ROWS : PRODUCTION_GROUP_ROWS,
    k: sandbox ? SANDBOX_K : PRODUCTION_K,
    workingSetBytesPerGpu: blocksPerGpu * blockBytes,
    estimateMs,
    deadlineMs: Math.ceil((sandbox ? SANDBOX_FIXED_MS : PRODUCTION_FIXED_MS) + SLACK * estimateMs),
  };
}

/** How long one GPU of this class needs for its share (GPUs of a node work in parallel). */
export function honestEstimateMs(gpuClass: GpuClass, rowsPerGpu: number, n: number): number {
  const matmulMs = (2 * rowsPerGpu * n * n) / (gpuClass.matmulGflops * 1e6);
  const elementwiseMs = (rowsPerGpu * n * ELEMENTWISE_BYTES) / (gpuClass.memoryMBps * 1e3);
  return matmulMs + elementwiseMs;
}

/** What a reservation must outlast before increment 0 can be paid, part by part. */
export interface AttestationHold {
  /** Pulling the renter's image and the attestation image: a bound, not an estimate. */
  pullMs: number;
  /** Creating the container and importing torch (CUDA initialisation on GPUs). */
  readyMs: number;
  deadlineMs: number;
  /** Sending k rows back, and the verifier's check. */
  openingMs: number;
  /** The renter's confirmation and the transfer's confirmation on chain. */
  paymentMs: number;
  totalMs: number;
}

/**
 * How long the hub must hold a reservation when nodes attest before the first payment:
 * every node pulls and attests in parallel, so the slowest node's sum counts. With the
 * defaults a 24 GiB RTX 4090 needs 10 min + 3 min + 11 s + 30 s + 2 min ≈ 16 min; the hub's
 * reservation TTL (2 min today, for a quote without attestation) must grow to this.
 */
export function attestationHold(params: AttestationParams, pullMs = 10 * 60_000, readyMs = 3 * 60_000, openingMs = 30_000, paymentMs = 2 * 60_000): AttestationHold {
  return { pullMs, readyMs, deadlineMs: params.deadlineMs, openingMs, paymentMs, totalMs: pullMs + readyMs + params.deadlineMs + openingMs + paymentMs };
}

/**
 * Where a hub's nodes attest: on the CPU (the Sandbox class, in-process allowed) when its
 * chain is a sandbox (fake money, no GPU needed to try the market), on the GPUs otherwise.
 * The renter's verifier and the supplier's node both derive it from the hub's `network`.
 */
export function attestationDeviceOf(network: string): AttestationDevice {
  return network === 'sandbox' ? 'cpu' : 'cuda';
}
