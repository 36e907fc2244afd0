import type { LendNotice, LendTerms } from '../../../common/market/lend-types';
import { formatAmount } from '../../../common/money/amount-text';
import { formatPaymentMemo } from '../../../common/money/payment-memo';
import type { TokenUnit } from '../../../common/money/token';
import type { WalletModule } from '../../wallet/wallet-module';
import type { EarningsStore } from './earnings-store';
import type { SupplierHubLink } from './supplier-hub-link';
import type { SupplierLeaseLifecycle } from './supplier-lease-lifecycle';
import type { StoredLease, SupplierLeaseStore } from './supplier-lease-store';
import { errorText } from '../../../common/errors';

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

  /** Verifies one of this machine's payments on chain, records it once, and starts the job after increment 0. */
  async onPaid(leaseId: string, payment: PaymentNotice): Promise<void> {
    const stored = this.d.leases.get(leaseId);
    if (!stored || stored.state === 'ended') return;
    const { lease } = stored;
    const startedAtMs = lease.startedAtMs ?? (payment.paidThroughMs !== undefined ? payment.paidThroughMs - (payment.increment + 1) * lease.incrementMs : null);
    if (startedAtMs !== null && lease.startedAtMs === null) this.d.leases.upsert({ ...lease, startedAtMs });
    // Paid-through from the lease's own clock, not the hub's figure.
    const paidThroughMs = startedAtMs !== null ? startedAtMs + (payment.increment + 1) * lease.incrementMs : payment.paidThroughMs ?? null;

    if (!this.d.earnings.has(payment.signature)) {
      if (stored.state === 'assigned') this.d.leases.update(leaseId, { state: 'verifying' });
      this.d.publish();
      const verified = await this.verify(stored, payment);
      if (!verified.ok) {
        const message = `Payment for increment ${payment.increment} did not verify on chain: ${verified.message}`;
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
        memo: this.memoOf(leaseId, payment.increment),
        network: this.network(),
        gpuCount: lease.gpuUuids.length,
        electricityPricePerKwh: BigInt(this.d.terms().electricityPricePerKwh),
        paidAtMs: this.d.nowMs(),
      });
      if (fresh) {
        this.d.notice('payment', 'Payment received', `${formatAmount({ token: this.paymentToken(), baseUnits: verified.amount }, { grouping: false, symbol: true })} for lease ${leaseId} (increment ${payment.increment}).`);
        this.d.earningsChanged();
      }
    }
    if (paidThroughMs !== null) this.d.leases.extendPaidThrough(leaseId, paidThroughMs);
    const now = this.d.leases.get(leaseId)!;
    if (now.jobId === null) await this.d.lifecycle.startJob(now);
    this.d.publish();
  }

  private async verify(stored: StoredLease, payment: PaymentNotice): Promise<{ ok: true; amount: bigint } | { ok: false; message: string }> {
    const { lease } = stored;
    // The amount this machine was promised for that increment, when the lease says so.
    const expected = lease.payments.find((p) => p.increment === payment.increment)?.amount ?? payment.amount;
    const verifier = this.d.wallet.paymentVerifier();
    for (let attempt = 0; ; attempt++) {
      const result = await verifier
        .verifyAndCredit(
          { signature: payment.signature, recipient: this.payout(), mint: lease.mint, amount: BigInt(expected), reference: payment.reference, memo: this.memoOf(lease.leaseId, payment.increment) },
          { network: this.network(), leaseId: lease.leaseId, increment: payment.increment },
        )
        .catch((error: unknown) => ({ ok: false as const, reason: 'not_found' as const, message: `The chain could not be asked: ${errorText(error)}` }));
      if (result.ok) return { ok: true, amount: result.receivedAmount };
      // Credited before but not in earnings: the app stopped between the two writes. The credit store saw it verified.
      if (result.reason === 'already_credited' && this.d.wallet.credits.isCredited(payment.signature)) return { ok: true, amount: BigInt(expected) };
      const transient = result.reason === 'not_found' || result.reason === 'not_confirmed';
      if (!transient || attempt >= VERIFY_RETRIES || this.d.stopped()) return { ok: false, message: result.message };
      await new Promise((r) => setTimeout(r, VERIFY_RETRY_MS));
    }
  }

  private payout(): string {
    return this.d.terms().payoutAddress || this.d.wallet.vault.activeAddress() || '';
  }

  private network(): string {
    return this.d.wallet.network.info().kind;
  }

  private memoOf(leaseId: string, increment: number): string {
    return formatPaymentMemo(leaseId, increment);
  }

  /** The network's payment token: what the leases pay this machine in. */
  private paymentToken(): TokenUnit {
    const info = this.d.wallet.network.info();
    return { symbol: info.token, decimals: info.decimals };
  }
}
