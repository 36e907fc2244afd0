import { nodeCostForTime } from '../../common/hub/base-units';
import { formatRefundMemo } from '../../common/money/payment-memo';
import type { TokenUnit } from '../../common/money/token';
import { HubError } from '../../common/hub/hub-errors';
import type { WorkerMessage } from '../../common/hub/worker-messages';
import type { PaymentCheck } from '../payments/payment-check';
import type { HubStore, NewLeaseEvidence, StoredLease } from '../store/hub-store';
import type { HubClock } from '../support/hub-clock';
import type { WorkerRegistry } from '../workers/worker-registry';
import type { LeaseNotifier } from './lease-service';

export interface RefundWatchDeps {
  store: HubStore;
  clock: HubClock;
  payments: PaymentCheck;
  notifier: LeaseNotifier;
  workers: WorkerRegistry;
  terms: { token: TokenUnit; hubId: string; refundDeadlineMs: number };
  /** Writes of one lease, in order (LeaseService's sequencer). */
  evidence: (entry: NewLeaseEvidence) => Promise<void>;
}

interface OwedRefund {
  leaseId: string;
  workerId: string;
  payee: string;
  renter: string;
  amount: bigint;
  refunded: bigint;
  dueAtMs: number;
  missed: boolean;
}

/**
 * Refunds the hub expects (issue 13): when a lease ends on a supplier's side (a machine
 * lost, failed by its own doing, or paid and never started), that machine owes the renter
 * the unused part of every increment paid to it, pro rata from the end. The machine's
 * app pays it by itself and reports the signature; the hub checks it on chain (to the
 * renter, the refund memo, at least the amount) before it counts, keeps it as evidence
 * and tells the renter. Owed and not paid within `refundDeadlineMs`: the worker loses
 * reputation (refundsMissed) and is flagged in the explorer.
 *
 * What is owed is held in memory: after a hub restart the deadlines of refunds still open
 * are not watched (the evidence of what was owed stays in the store).
 */
export class RefundWatch {
  private readonly owed = new Map<string, OwedRefund>();
  private readonly seen = new Set<string>();

  constructor(private readonly o: RefundWatchDeps) {}

  /** At a lease's end: what each machine that ended it on its side owes the renter. */
  async owe(lease: StoredLease, workerIds: readonly string[], endedAtMs: number): Promise<void> {
    if (lease.startedAtMs === null) return; // nothing ran, nothing was paid for a period
    for (const workerId of workerIds) {
      let amount = 0n;
      let payee = '';
      for (const node of lease.placement.nodes.filter((n) => n.workerId === workerId)) {
        payee = node.supplier;
        // A machine that never ran the job served none of the paid time.
        const ran = ['running', 'exited', 'failed'].includes(lease.nodes[node.rank]?.state ?? 'assigned');
        const servedUntilMs = ran ? endedAtMs : lease.startedAtMs;
        const perIncrement = nodeCostForTime({ pricePerGpuHour: node.pricePerGpuHour, gpuCount: node.gpuUuids.length, egressPricePerHour: node.egressPricePerHour }, lease.incrementMs);
        for (const p of lease.payments) {
          if (p.payee !== node.supplier || p.signature === null) continue;
          const periodStartMs = lease.startedAtMs + p.increment * lease.incrementMs;
          const servedMs = Math.min(Math.max(servedUntilMs - periodStartMs, 0), lease.incrementMs);
          const share = perIncrement < p.amount ? perIncrement : p.amount;
          amount += (share * BigInt(lease.incrementMs - servedMs)) / BigInt(lease.incrementMs);
        }
      }
      if (amount <= 0n) continue;
      const dueAtMs = endedAtMs + this.o.terms.refundDeadlineMs;
      this.owed.set(`${lease.leaseId}/${workerId}`, { leaseId: lease.leaseId, workerId, payee, renter: lease.renter, amount, refunded: 0n, dueAtMs, missed: false });
      await this.o.evidence({ leaseId: lease.leaseId, kind: 'refund-owed', workerId, atMs: endedAtMs, body: { payee, renter: lease.renter, amount: amount.toString(10), dueAtMs } });
    }
  }

  /** A machine says it refunded: counted once it is on chain, to the renter, with the refund memo. */
  async reported(workerId: string, lease: StoredLease, message: Extract<WorkerMessage, { type: 'lease.refund' }>): Promise<void> {
    const node = lease.placement.nodes.find((n) => n.workerId === workerId);
    if (!node) throw new HubError('not_found', `This machine has no lease ${message.leaseId}.`, 'lease_not_found');
    if (this.seen.has(message.signature)) return;
    const verdict = await this.o.payments.verify(
      { recipient: lease.renter, mint: lease.mint, token: this.o.terms.token, amount: BigInt(message.amount), reference: null, memo: formatRefundMemo(this.o.terms.hubId, lease.leaseId, message.increment) },
      message.signature,
    );
    if (!verdict.ok) {
      throw new HubError(verdict.retryable ? 'unavailable' : 'payment_rejected', `The refund ${message.signature} does not check out on chain: ${verdict.message}`, verdict.reason);
    }
    this.seen.add(message.signature);
    const atMs = this.o.clock.nowMs();
    const owed = this.owed.get(`${lease.leaseId}/${workerId}`);
    if (owed) owed.refunded += BigInt(message.amount);
    await this.o.evidence({ leaseId: lease.leaseId, kind: 'refund', workerId, atMs, body: { increment: message.increment, signature: message.signature, amount: message.amount, payee: node.supplier } });
    this.o.notifier.toRenter(lease.leaseId, { type: 'lease.refund', leaseId: lease.leaseId, increment: message.increment, payee: node.supplier, amount: message.amount, signature: message.signature, atMs });
  }

  /** Refunds past their deadline and not paid in full: reputation lost, flagged. */
  async tick(nowMs: number): Promise<void> {
    for (const [key, owed] of this.owed) {
      if (owed.refunded >= owed.amount) {
        this.owed.delete(key);
        continue;
      }
      if (owed.missed || nowMs < owed.dueAtMs) continue;
      owed.missed = true;
      const worker = this.o.workers.get(owed.workerId);
      if (worker) worker.facts.refundsMissed += 1;
      await this.o.store.recordRefundMissed(owed.workerId);
      await this.o.evidence({ leaseId: owed.leaseId, kind: 'refund-missed', workerId: owed.workerId, atMs: nowMs, body: { payee: owed.payee, owed: owed.amount.toString(10), refunded: owed.refunded.toString(10) } });
      this.owed.delete(key);
    }
  }
}
