import type { LendNotice, LendTerms } from '../../../common/market/lend-types';
import { formatAmount } from '../../../common/money/amount-text';
import { formatPaymentMemo, parsePaymentMemo } from '../../../common/money/payment-memo';
import { expectedIncrementAmount } from './lease-admission';
import type { TokenUnit } from '../../../common/money/token';
import type { WalletModule } from '../../wallet/wallet-module';
import type { EarningsStore } from './earnings-store';
import type { SupplierHubLink } from './supplier-hub-link';
import type { SupplierLeaseLifecycle } from './supplier-lease-lifecycle';
import type { StoredLease, SupplierLeaseStore } from './supplier-lease-store';
import { errorText } from '../../../common/errors';
import { incrementNumber } from '../../../common/market/increment-number';

/** A payment the hub says a renter made for one increment of a lease on this machine. */
export interface PaymentNotice {
  increment: number;
  signature: string;
  amount: string;
  reference: string;
  memo: string;
  paidThroughMs?: number;
}

export interface PaymentIntakeDeps {
  leases: SupplierLeaseStore;
  earnings: EarningsStore;
  wallet: WalletModule;
  /** An earnings row was added (the session announces it). */
  earningsChanged: () => void;
  link: SupplierHubLink;
  lifecycle: SupplierLeaseLifecycle;
  terms: () => LendTerms;
  /** True once the session is stopping: verification stops retrying. */
  stopped: () => boolean;
  notice: (kind: LendNotice['kind'], title: string, body: string) => void;
  publish: () => void;
  nowMs: () => number;
  /** The id the current hub names itself by in payment memos (HubInfo.hubId); null while unknown. */
  hubId: () => string | null;
  /** A verified payment was booked for a lease this machine had already ended: refund what it did not serve. */
  onBookedAfterEnd: (leaseId: string, increment: number) => Promise<void>;
}

const VERIFY_RETRIES = 8;
const VERIFY_RETRY_MS = 750;

/**
 * The payments of the leases on this machine: each verified on chain by this machine (the
 * hub's word is never enough) before the job starts or continues, recorded once as an
 * earnings row, and moving the lease's paid-through time on the lease's own clock. A
 * payment that does not verify ends a lease not yet started; a running one simply runs
 * out at what was verified.
 */
export class PaymentIntake {
  constructor(private readonly d: PaymentIntakeDeps) {}

  /** Payments the hub announced that are not booked yet (a write failed, or the chain did not answer): tried again on the clock. */
  private readonly unbooked = new Map<string, { leaseId: string; payment: PaymentNotice }>();
  private readonly retrying = new Set<string>();

  /**
   * Verifies one of this machine's payments on chain, books it once, and starts the job
   * after increment 0. A payment for a lease this machine already ended is booked too
   * (the money is in the wallet) and handed to `onBookedAfterEnd` (the refund of what was
   * not served). A payment that could not be booked is kept and tried again (`retryUnbooked`).
   */
  async onPaid(leaseId: string, payment: PaymentNotice, options: { bookOnly?: boolean } = {}): Promise<void> {
    if (options.bookOnly) return this.process(leaseId, payment, true);
    const key = `${leaseId}/${payment.increment}/${payment.signature}`;
    this.unbooked.set(key, { leaseId, payment });
    await this.process(leaseId, payment);
    this.unbooked.delete(key);
  }

  /** Tries every announced payment that is not booked yet again (the session's clock calls it). */
  retryUnbooked(run: (leaseId: string, work: () => Promise<void>) => Promise<void>): void {
    for (const [key, { leaseId, payment }] of this.unbooked) {
      if (this.retrying.has(key)) continue;
      this.retrying.add(key);
      void run(leaseId, () => this.onPaid(leaseId, payment)).finally(() => this.retrying.delete(key));
    }
  }

  /** `bookOnly`: a payment found on chain, not announced by the hub: booked (and refunded in part after an end), never a reason to start or stop the job. */
  private async process(leaseId: string, payment: PaymentNotice, bookOnly = false): Promise<void> {
    const stored = this.d.leases.get(leaseId);
    if (!stored) return;
    const { lease } = stored;
    const ended = stored.state === 'ended';
    const startedAtMs = lease.startedAtMs ?? (payment.paidThroughMs !== undefined ? payment.paidThroughMs - (payment.increment + 1) * lease.incrementMs : null);
    if (!ended && startedAtMs !== null && lease.startedAtMs === null) this.d.leases.upsert({ ...lease, startedAtMs });
    // Paid-through from the lease's own clock, not the hub's figure.
    const paidThroughMs = startedAtMs !== null ? startedAtMs + (payment.increment + 1) * lease.incrementMs : payment.paidThroughMs ?? null;

    // Always through the verifier: a signature booked before settles only the (lease,
    // increment) it was credited to, never another lease's start.
    if (!bookOnly && stored.state === 'assigned' && !this.d.earnings.has(payment.signature)) {
      this.d.leases.update(leaseId, { state: 'verifying' });
      this.d.publish();
    }
    const verified = await this.verify(stored, payment);
    if (!verified.ok) {
      const message = `Payment for increment ${incrementNumber(payment.increment)} did not verify on chain (${verified.reason}): ${verified.message}`;
      if (ended || bookOnly) return;
      if (stored.jobId === null) {
        await this.d.lifecycle.endLease(leaseId, message, { report: { state: 'failed', cause: 'job' } });
      } else {
        // The running job stops by itself when what WAS verified runs out.
        this.d.link.worker?.sendLog(leaseId, 'stderr', `[idlegrid] ${message}\n`);
      }
      return;
    }
    const fresh = this.d.earnings.record({
      signature: payment.signature,
      leaseId,
      increment: payment.increment,
      renter: lease.renter,
      amount: verified.amount,
      recipient: this.payout(),
      mint: lease.mint,
      reference: payment.reference,
      memo: verified.memo,
      network: this.network(),
      gpuCount: lease.gpuUuids.length,
      electricityPricePerKwh: BigInt(this.d.terms().electricityPricePerKwh),
      paidAtMs: this.d.nowMs(),
    });
    if (fresh) {
      this.d.notice('payment', 'Payment received', `${formatAmount({ token: this.paymentToken(), baseUnits: verified.amount }, { grouping: false, symbol: true })} for lease ${leaseId} (increment ${incrementNumber(payment.increment)}).`);
      this.d.earningsChanged();
    }
    if (ended) {
      await this.d.onBookedAfterEnd(leaseId, payment.increment);
      this.d.publish();
      return;
    }
    if (bookOnly) {
      this.d.publish();
      return;
    }
    if (paidThroughMs !== null) this.d.leases.extendPaidThrough(leaseId, paidThroughMs);
    const now = this.d.leases.get(leaseId)!;
    if (now.jobId === null) await this.d.lifecycle.startJob(now);
    this.d.publish();
  }

  private async verify(stored: StoredLease, payment: PaymentNotice): Promise<{ ok: true; amount: bigint; memo: string } | { ok: false; reason: string; message: string }> {
    const { lease } = stored;
    // What this machine expects from its own terms (price it was placed at × its GPUs ×
    // the bounded increment length); the hub's figure only for leases stored before leases
    // carried their price.
    const expected = expectedIncrementAmount(lease, payment.increment) ?? BigInt(lease.payments.find((p) => p.increment === payment.increment)?.amount ?? payment.amount);
    const memo = this.memoOf(stored, payment);
    if (!memo) return { ok: false, reason: 'wrong_memo', message: `The hub's memo "${payment.memo.slice(0, 120)}" is not an Idlegrid payment memo for lease ${lease.leaseId}, increment ${incrementNumber(payment.increment)}.` };
    const verifier = this.d.wallet.paymentVerifier();
    for (let attempt = 0; ; attempt++) {
      // A signature credited before settles only the (lease, increment) it was credited to
      // (the verifier says so); a restart between the credit and the earnings row lands here too.
      const result = await verifier
        .verifyAndCredit(
          { signature: payment.signature, recipient: this.payout(), mint: lease.mint, amount: expected, reference: payment.reference, memo },
          { network: this.network(), leaseId: lease.leaseId, increment: payment.increment },
        )
        .catch((error: unknown) => ({ ok: false as const, reason: 'not_found' as const, message: `The chain could not be asked: ${errorText(error)}` }));
      if (result.ok) return { ok: true, amount: result.receivedAmount, memo };
      const transient = result.reason === 'not_found' || result.reason === 'not_confirmed';
      if (!transient || attempt >= VERIFY_RETRIES || this.d.stopped()) return { ok: false, reason: result.reason, message: result.message };
      await new Promise((r) => setTimeout(r, VERIFY_RETRY_MS));
    }
  }

  private payout(): string {
    return this.d.terms().payoutAddress || this.d.wallet.vault.activeAddress() || '';
  }

  private network(): string {
    return this.d.wallet.network.info().kind;
  }

  /**
   * The memo this payment must carry: this lease and increment, on the hub this machine
   * is connected to (its id from the hub's info; while that is not known, the hub named
   * in the lease's own memo). Null when the hub's memo names another lease or increment.
   */
  private memoOf(stored: StoredLease, payment: PaymentNotice): string | null {
    const listed = stored.lease.payments.find((p) => p.increment === payment.increment)?.memo ?? payment.memo;
    const parsed = parsePaymentMemo(listed);
    const hubId = this.d.hubId() ?? parsed?.hubId;
    if (!hubId || (parsed && (parsed.leaseId !== stored.lease.leaseId || parsed.increment !== payment.increment))) return null;
    return formatPaymentMemo(hubId, stored.lease.leaseId, payment.increment);
  }

  /** The network's payment token: what the leases pay this machine in. */
  private paymentToken(): TokenUnit {
    const info = this.d.wallet.network.info();
    return { symbol: info.token, decimals: info.decimals };
  }
}
