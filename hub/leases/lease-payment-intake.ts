import { HubError } from '../../common/hub/hub-errors';
import type { TokenUnit } from '../../common/money/token';
import type { PaymentReceipt, PaymentSubmission } from '../../common/hub/http-api';
import type { LeaseEndReason, LeaseState } from '../../common/hub/lease-types';
import type { PaymentCheck } from '../payments/payment-check';
import type { HubStore, NewLeaseEvidence } from '../store/hub-store';
import type { HubClock } from '../support/hub-clock';
import type { LeaseNotifier } from './lease-service';
import { hasStarted } from './lease-state-machine';
import type { LiveLease } from './live-lease';
import { isIncrementPaid } from './live-lease';

export interface LeasePaymentIntakeDeps {
  /** The hub's lease terms: their token is what payments are checked and receipted in. */
  terms: { token: TokenUnit };
  store: HubStore;
  clock: HubClock;
  payments: PaymentCheck;
  notifier: LeaseNotifier;
  /** A lease of this renter (live if active, from the store if ended); not_found otherwise. */
  ownLease: (renter: string, leaseId: string) => Promise<LiveLease>;
  /** Writes of one lease, in the order they were decided. */
  /** Reloads the lease from the store (payments credited by other hub instances). */
  reload: (leaseId: string) => Promise<void>;
  persist: <T>(lease: LiveLease, write: () => Promise<T>) => Promise<T>;
  transition: (lease: LiveLease, to: LeaseState, endReason: LeaseEndReason | null, reason: string, startedAtMs?: number) => Promise<void>;
  /** The lease's evidence (issue 13): every credited payment is kept there too. */
  evidence: (entry: NewLeaseEvidence) => Promise<void>;
}

/**
 * The payments of the hub's leases: each submission checked against what the lease
 * expects and verified on chain, credited once (a signature pays one increment of one
 * payee, and a retry gets the same receipt), then the lease moves on and its machines are
 * told. Part of LeaseService, which owns the leases; this holds its payment section.
 */
export class LeasePaymentIntake {
  constructor(private readonly o: LeasePaymentIntakeDeps) {}

  /**
   * A renter's payment for one increment to one payee: verified on chain, credited once in
   * the store, then applied to the lease — the first increment paid in full makes it paid,
   * and each machine hears of its own verified payments (`lease.paid`).
   */
  async submit(renter: string, leaseId: string, submission: PaymentSubmission): Promise<PaymentReceipt> {
    const lease = await this.o.ownLease(renter, leaseId);
    const expected = lease.payments.find((p) => p.increment === submission.increment && p.payee === submission.payee);
    if (!expected) {
      throw new HubError('not_found', `Lease ${leaseId} expects no payment to ${submission.payee} for increment ${submission.increment}. Check the quote's payees and the increment number.`, 'payee_not_expected');
    }
    if (expected.signature === submission.signature) return this.receipt(lease, expected); // a retry after a lost answer
    if (expected.signature !== null) {
      throw new HubError('conflict', `Increment ${submission.increment} to ${submission.payee} is already paid by ${expected.signature}. Do not pay it twice.`, 'increment_already_paid');
    }
    if (lease.state === 'ended') {
      throw new HubError(lease.endReason === 'unpaid' && lease.startedAtMs === null ? 'reservation_expired' : 'conflict', `Lease ${leaseId} has ended (${lease.endReason}); it takes no more payments.`, 'lease_ended');
    }
    if (lease.downNodes.size > 0) {
      // Issue 19, item 5: the machines said their engine is down; money for them waits until they run.
      const ranks = [...lease.downNodes.keys()].sort((a, b) => a - b);
      throw new HubError(
        'unavailable',
        `Machine${ranks.length === 1 ? '' : 's'} ${ranks.join(', ')} of lease ${leaseId} ${ranks.length === 1 ? 'is' : 'are'} down (its container engine stopped): the hub takes no payment for this lease until ${ranks.length === 1 ? 'it runs' : 'they run'} again. A transfer already on chain is credited then: submit the same signature again.`,
        'nodes_down',
      );
    }
    const verdict = await this.o.payments.verify(
      { recipient: expected.payee, mint: lease.mint, token: this.o.terms.token, amount: expected.amount, reference: expected.reference, memo: expected.memo },
      submission.signature,
    );
    if (!verdict.ok) {
      throw new HubError(
        verdict.retryable ? 'unavailable' : 'payment_rejected',
        `${verdict.message}${verdict.retryable ? ' Submit the same signature again in a few seconds.' : ''}`,
        verdict.reason,
      );
    }
    const nowMs = this.o.clock.nowMs();
    // The lease may have ended while the chain was asked; money that arrived is still recorded.
    const dueAtMs = submission.increment === 0 ? lease.expiresAtMs : lease.startedAtMs === null ? null : lease.startedAtMs + submission.increment * lease.incrementMs;
    const credit = await this.o.persist(lease, () => this.o.store.creditPayment({
      leaseId,
      increment: submission.increment,
      payee: submission.payee,
      signature: submission.signature,
      paidAtMs: nowMs,
      onTime: dueAtMs === null || nowMs <= dueAtMs,
      renter: lease.renter,
    }));
    if (credit.status === 'duplicate-signature') {
      const to = credit.creditedTo;
      if (to.leaseId === leaseId && to.increment === submission.increment && to.payee === submission.payee) return this.receipt(lease, expected);
      throw new HubError('conflict', `Transaction ${submission.signature} is already credited to lease ${to.leaseId}, increment ${to.increment}. Each payment needs its own transfer.`, 'signature_already_credited');
    }
    if (credit.status === 'already-paid') {
      throw new HubError('conflict', `Increment ${submission.increment} to ${submission.payee} is already paid by ${credit.signature}.`, 'increment_already_paid');
    }
    if (credit.status === 'unknown-payment') throw new HubError('not_found', `Lease ${leaseId} has no such payment.`, 'payment_not_found');

    // Credited: from here on, synchronous decisions on the in-memory lease.
    void this.o.evidence({ leaseId, kind: 'payment', workerId: null, atMs: nowMs, body: { increment: submission.increment, payee: submission.payee, amount: expected.amount.toString(10), signature: submission.signature, memo: expected.memo, onTime: dueAtMs === null || nowMs <= dueAtMs } });
    expected.signature = submission.signature;
    expected.paidAtMs = nowMs;
    expected.onTime = dueAtMs === null || nowMs <= dueAtMs;
    this.o.notifier.toRenter(leaseId, {
      type: 'lease.payment',
      leaseId,
      increment: submission.increment,
      payee: submission.payee,
      amount: expected.amount.toString(10),
      signature: submission.signature,
      atMs: nowMs,
    });
    // Another instance may have credited the other payees of this increment.
    if (lease.state === 'reserved' && !isIncrementPaid(lease, 0)) await this.o.reload(leaseId);
    if (lease.state === 'reserved' && isIncrementPaid(lease, 0)) {
      await this.startPaid(lease, nowMs);
    } else if (hasStarted(lease.state)) {
      this.tellPayee(lease, submission.payee, submission.increment);
    }
    return this.receipt(lease, expected);
  }

  /** The first increment is paid in full: the lease is paid and each machine hears of its payment. */
  async startPaid(lease: LiveLease, nowMs = this.o.clock.nowMs()): Promise<void> {
    try {
      await this.o.transition(lease, 'paid', null, 'first increment paid and verified on chain', nowMs);
    } catch (error) {
      // Two instances credited the last two payments at once and both saw it paid: the
      // other one started it and tells the machines.
      if (error instanceof HubError && error.reason === 'lease_changed_elsewhere') return;
      throw error;
    }
    for (const p of lease.payments.filter((x) => x.increment === 0)) this.tellPayee(lease, p.payee, 0);
  }

  private receipt(lease: LiveLease, p: LiveLease['payments'][number]): PaymentReceipt {
    return {
      leaseId: lease.leaseId,
      increment: p.increment,
      payee: p.payee,
      amount: p.amount.toString(10),
      token: this.o.terms.token.symbol,
      signature: p.signature!,
      paidAtMs: p.paidAtMs!,
      incrementPaid: isIncrementPaid(lease, p.increment),
    };
  }

  /** Tells each machine of `payee` in the lease that its payment for `increment` is verified. */
  private tellPayee(lease: LiveLease, payee: string, increment: number): void {
    const p = lease.payments.find((x) => x.increment === increment && x.payee === payee);
    if (!p || p.signature === null || lease.startedAtMs === null) return;
    const through = lease.startedAtMs + (lastConsecutivePaid(lease, payee) + 1) * lease.incrementMs;
    for (const node of lease.placement.nodes) {
      if (node.supplier !== payee) continue;
      this.o.notifier.toWorker(node.workerId, {
        type: 'lease.paid',
        leaseId: lease.leaseId,
        increment,
        signature: p.signature,
        amount: p.amount.toString(10),
        reference: p.reference,
        memo: p.memo,
        paidThroughMs: through,
      });
    }
  }
}

/** The last increment paid to `payee` with every earlier one paid too (-1 if none). */
function lastConsecutivePaid(lease: LiveLease, payee: string): number {
  let k = -1;
  while (lease.payments.some((p) => p.increment === k + 1 && p.payee === payee && p.signature !== null)) k += 1;
  return k;
}
