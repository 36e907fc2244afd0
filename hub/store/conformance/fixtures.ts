import type { ExpectedPayment, NewLease, PaymentCredit, StoredOffer, WorkerUpsert } from '../hub-store';

/** Inputs for the conformance suite: plain values, the same for every store. */

export const RENTER = 'renter-a';
export const SUPPLIERS = ['supplier-a', 'supplier-b'] as const;
export const WORKERS = ['wkr-1', 'wkr-2'] as const;
/** Above 2^53: a store that passes amounts through a float loses the last digit. */
export const BIG_AMOUNT = 9_007_199_254_740_993n;

export interface LeaseFixture {
  renter?: string;
  createdAtMs?: number;
  incrementCount?: number;
  amount?: bigint;
  /** The GPUs of rank 0 and rank 1 (by default each lease has GPUs of its own). */
  gpuUuids?: [string[], string[]];
}

/** What one increment of `leaseId` expects: one payment to each node's supplier. */
export function incrementPayments(leaseId: string, increment: number, amount = 166_667n): ExpectedPayment[] {
  return SUPPLIERS.map((payee) => ({ increment, payee, amount, reference: `${leaseId}-ref-${increment}-${payee}`, memo: `idlegrid:${leaseId}:${increment}` }));
}

/** A two-node lease (rank 0 on wkr-1 paid to supplier-a, rank 1 on wkr-2 paid to supplier-b). */
export function newLease(leaseId: string, f: LeaseFixture = {}): NewLease {
  const createdAtMs = f.createdAtMs ?? 1_000;
  const incrementCount = f.incrementCount ?? 2;
  return {
    leaseId,
    renter: f.renter ?? RENTER,
    createdAtMs,
    expiresAtMs: createdAtMs + 60_000,
    incrementMs: 600_000,
    incrementCount,
    graceMs: 60_000,
    mint: 'mint-usdc',
    request: {
      gpuCount: 3,
      constraints: { sameModel: true, region: 'eu-west', maxNodes: 2 },
      job: { image: 'pytorch/pytorch:2.3.0', command: ['torchrun', 'train.py'], env: { EPOCHS: '3' }, masterPort: 29500 },
      durationMs: incrementCount * 600_000,
    },
    placement: {
      gpuCount: 3,
      nodes: WORKERS.map((workerId, rank) => ({
        rank,
        workerId,
        offerId: `ofr-${rank + 1}`,
        supplier: SUPPLIERS[rank]!,
        gpuModel: 'NVIDIA GeForce RTX 4090',
        vramMiB: 24_564,
        gpuUuids: f.gpuUuids?.[rank] ?? (rank === 0 ? [`GPU-${leaseId}-a0`, `GPU-${leaseId}-a1`] : [`GPU-${leaseId}-b0`]),
        pricePerGpuHour: '1000000',
        region: 'eu-west',
        interruptible: rank === 1,
      })),
    },
    payments: Array.from({ length: incrementCount }, (_, k) => incrementPayments(leaseId, k, f.amount)).flat(),
    reason: 'placed',
  };
}

export function credit(leaseId: string, increment: number, signature: string, over: Partial<PaymentCredit> = {}): PaymentCredit {
  return { leaseId, increment, payee: SUPPLIERS[0], signature, paidAtMs: 2_000, onTime: true, renter: RENTER, ...over };
}

export function workerUpsert(newWorkerId: string, over: Partial<WorkerUpsert> = {}): WorkerUpsert {
  return {
    newWorkerId,
    owner: SUPPLIERS[0],
    machineId: `machine-${newWorkerId}`,
    hardware: { gpus: [{ uuid: 'GPU-a0', model: 'NVIDIA GeForce RTX 4090', vramMiB: 24_564, index: 0 }], cpuCores: 16, os: 'Ubuntu 24.04' },
    region: 'eu-west',
    advertisedHost: null,
    atMs: 100,
    ...over,
  };
}

export function offer(offerId: string, workerId: string, over: Partial<StoredOffer> = {}): StoredOffer {
  return {
    offerId,
    workerId,
    gpuModel: 'NVIDIA GeForce RTX 4090',
    vramMiB: 24_564,
    terms: { gpuUuids: ['GPU-a0'], pricePerGpuHour: '1000000', minLeaseMs: 600_000, maxLeaseMs: 86_400_000, interruptible: false, schedule: [] },
    createdAtMs: 200,
    updatedAtMs: 200,
    ...over,
  };
}
