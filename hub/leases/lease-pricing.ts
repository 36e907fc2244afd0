import { getAddressDecoder } from '@solana/kit';
import { nodeCostForIncrement } from '../../common/hub/base-units';
import type { PlacementNode } from '../../common/hub/lease-types';
import type { ExpectedPayment } from '../store/hub-store';
import type { RandomBytes } from '../support/hub-clock';
import { formatPaymentMemo } from '../../common/money/payment-memo';

/**
 * What each increment costs and whom it pays. A supplier with several machines in one
 * cluster gets one transfer per increment for all of them (one signature per payee per
 * increment). Each node's share of increment `index` is `costForIncrement`: rounded so
 * that a lease's increments sum exactly to its whole duration's cost (they may differ
 * from each other by one base unit; the supplier computes the same from its terms).
 */
export interface PayeeAmount {
  payee: string;
  amount: bigint;
}

export function perIncrementAmounts(nodes: readonly PlacementNode[], incrementMs: number, index: number): PayeeAmount[] {
  const byPayee = new Map<string, bigint>();
  for (const node of nodes) {
    // GPUs plus egress where the job bought it, each exact-sum over the lease.
    const cost = nodeCostForIncrement({ pricePerGpuHour: node.pricePerGpuHour, gpuCount: node.gpuUuids.length, egressPricePerHour: node.egressPricePerHour }, incrementMs, index);
    byPayee.set(node.supplier, (byPayee.get(node.supplier) ?? 0n) + cost);
  }
  return [...byPayee].map(([payee, amount]) => ({ payee, amount }));
}

export function sumAmounts(amounts: readonly PayeeAmount[]): bigint {
  return amounts.reduce((sum, a) => sum + a.amount, 0n);
}

const addressDecoder = getAddressDecoder();

/**
 * A Solana Pay reference: a fresh random public key the payer adds to the transfer as a
 * read-only account, so the transfer can be found and tied to exactly one expected payment.
 */
export function newReference(random: RandomBytes): string {
  return addressDecoder.decode(random(32));
}

export function expectedPayments(
  hubId: string,
  leaseId: string,
  fromIncrement: number,
  toIncrement: number,
  nodes: readonly PlacementNode[],
  incrementMs: number,
  random: RandomBytes,
): ExpectedPayment[] {
  const out: ExpectedPayment[] = [];
  for (let k = fromIncrement; k < toIncrement; k++) {
    for (const { payee, amount } of perIncrementAmounts(nodes, incrementMs, k)) {
      out.push({ increment: k, payee, amount, reference: newReference(random), memo: formatPaymentMemo(hubId, leaseId, k) });
    }
  }
  return out;
}
