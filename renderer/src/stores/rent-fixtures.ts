import type { LeaseView } from '../../../common/hub/lease-types';
import type { OfferListing } from '../../../common/hub/market-types';
import type { RentLease, RentQuote, RentReceipt } from '../../../common/market/rent-types';

/** Renter-side values for store tests, shaped as main sends them. */

export const SUPPLIER_A = '7xKXtg2CW87d97TXJSDpbD5jBkheTqA83TZRuJosgAsU';
export const SUPPLIER_B = '9WzDXwBbmkg8ZTbNMqUxvQRAyrZzDsGYdLVL9zYtAWWM';

export function offerListing(offerId: string, over: Partial<OfferListing> = {}): OfferListing {
  return {
    offerId,
    workerId: `worker-${offerId}`,
    supplier: SUPPLIER_A,
    gpuModel: 'Tesla V100-SXM2-16GB',
    vramMiB: 16_384,
    gpuCount: 8,
    freeGpus: 8,
    pricePerGpuHour: '450000',
    token: 'USDC',
    interruptible: false,
    minLeaseMs: 0,
    maxLeaseMs: 7 * 86_400_000,
    region: 'eu-west',
    reliability: 0.97,
    performance: 15.7,
    ...over,
  };
}

export function leaseView(leaseId: string, over: Partial<LeaseView> = {}): LeaseView {
  return {
    leaseId,
    renter: 'RenterWa11et1111111111111111111111111111111',
    state: 'reserved',
    endReason: null,
    createdAtMs: 1_000,
    expiresAtMs: 61_000,
    startedAtMs: null,
    paidThroughMs: null,
    incrementMs: 600_000,
    incrementCount: 6,
    graceMs: 60_000,
    token: 'USDC',
    mint: 'USDCmint11111111111111111111111111111111111',
    job: { image: 'pytorch/pytorch:2.3.0', command: ['torchrun', 'train.py'], masterPort: 29500 },
    placement: {
      gpuCount: 3,
      nodes: [
        { rank: 0, workerId: 'w-a', offerId: 'o-a', supplier: SUPPLIER_A, gpuModel: 'Tesla V100-SXM2-16GB', vramMiB: 16_384, gpuIds: ['lease-a.0.0', 'lease-a.0.1'], pricePerGpuHour: '450000', region: 'eu-west', interruptible: false },
        { rank: 1, workerId: 'w-b', offerId: 'o-b', supplier: SUPPLIER_B, gpuModel: 'NVIDIA GeForce RTX 4090', vramMiB: 24_564, gpuIds: ['lease-a.1.0'], pricePerGpuHour: '600000', region: 'eu-west', interruptible: true },
      ],
    },
    nodes: [
      { rank: 0, workerId: 'w-a', state: 'assigned', message: null, updatedAtMs: 1_000 },
      { rank: 1, workerId: 'w-b', state: 'assigned', message: null, updatedAtMs: 1_000 },
    ],
    increments: [
      {
        index: 0,
        dueAtMs: 61_000,
        payments: [
          { payee: SUPPLIER_A, amount: '150000', reference: 'ref-a', memo: `idlegrid:hub:${leaseId}:0`, signature: null, paidAtMs: null },
          { payee: SUPPLIER_B, amount: '100000', reference: 'ref-b', memo: `idlegrid:hub:${leaseId}:0`, signature: null, paidAtMs: null },
        ],
      },
    ],
    transitions: [{ from: null, to: 'reserved', endReason: null, atMs: 1_000, reason: 'placed' }],
    paidSoFar: '0',
    ...over,
  };
}

export function rentLease(leaseId: string, over: Partial<RentLease> = {}, leaseOver: Partial<LeaseView> = {}): RentLease {
  return {
    lease: leaseView(leaseId, leaseOver),
    autoPay: { enabled: false, limit: '0', spent: '0' },
    logs: [],
    nextDue: { increment: 0, dueAtMs: 61_000, amount: '250000' },
    problem: null,
    ...over,
  };
}

export function rentQuote(leaseId: string): RentQuote {
  const lease = leaseView(leaseId);
  return {
    leaseId,
    expiresAtMs: lease.expiresAtMs,
    token: lease.token,
    mint: lease.mint,
    incrementMs: lease.incrementMs,
    incrementCount: lease.incrementCount,
    graceMs: lease.graceMs,
    placement: lease.placement,
    perIncrement: { total: '250000', payments: [{ payee: SUPPLIER_A, amount: '150000' }, { payee: SUPPLIER_B, amount: '100000' }] },
    total: '1500000',
    firstIncrement: lease.increments[0]!,
    decimals: 6,
  };
}

export function rentReceipt(signature: string, over: Partial<RentReceipt> = {}): RentReceipt {
  return {
    signature,
    leaseId: 'lease-1',
    increment: 0,
    payee: SUPPLIER_A,
    amount: '150000',
    token: 'USDC',
    paidAtMs: 2_000,
    network: 'sandbox',
    autoApproved: false,
    ...over,
  };
}
