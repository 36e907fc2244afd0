import type { Signature } from '@solana/kit';
import { Sequencer } from '../../../common/async';
import { errorText } from '../../../common/errors';
import type { LendNotice } from '../../../common/market/lend-types';
import { formatAmount } from '../../../common/money/amount-text';
import { formatRefundMemo, parsePaymentMemo } from '../../../common/money/payment-memo';
import type { WalletModule } from '../../wallet/wallet-module';
import type { EarningsStore } from './earnings-store';
import { unusedAmount } from './refund-amount';
import type { RefundStore, StoredRefund } from './refund-store';
import type { SupplierLeaseStore } from './supplier-lease-store';
import { incrementNumber } from '../../../common/market/increment-number';

export interface LeaseRefundsDeps {
  refunds: RefundStore;
  earnings: EarningsStore;
  leases: SupplierLeaseStore;
  wallet: WalletModule;
  nowMs: () => number;
  notice: (kind: LendNotice['kind'], title: string, body: string) => void;
  /** Refund rows changed (they show as negative earnings). */
  earningsChanged: () => void;
  /** Tells the hub a refund went out, so it keeps it as evidence and tells the renter. */
  reported: (refund: StoredRefund) => void;
  logError: (message: string, error: unknown) => void;
}

/**
 * Refunds of paid time this machine did not serve — the ONE refund call every early end
 * on the supplier's side goes through (the owner stopping sharing, the job ending for the
 * machine's reasons, a payment that arrived after the lease ended here, and the gaming
 * preemption of issue 15): `refundUnused(lease, servedUntil, why)` owes the renter, pro
 * rata, the unused part of every increment this machine booked, then pays it from the
 * payout wallet with the memo `idlegrid-refund:<hub>:<lease>:<increment>`.
 *
 * Owed rows are durable before anything is signed; the signature is durable before it
 * is sent. `settle()` (at start and on the clock) pays what is owed and looks up what was
 * sent: confirmed → done; expired without landing → owed again and signed anew. So a
 * crash never loses a refund and never pays one twice.
 */
export class LeaseRefunds {
  private readonly oneAtATime = new Sequencer();

  constructor(private readonly d: LeaseRefundsDeps) {}

  /** Owes the unused part of each booked increment of `leaseId` after `servedUntilMs`, then pays what is owed. */
  async refundUnused(leaseId: string, servedUntilMs: number, reason: string): Promise<void> {
    const stored = this.d.leases.get(leaseId);
    if (!stored) return;
    const startedAtMs = stored.lease.startedAtMs ?? stored.startedAtMs;
    let owed = false;
    for (const e of this.d.earnings.forLease(leaseId)) {
      // Only what this machine received and booked, never more than that payment.
      const amount = unusedAmount(e.amount, e.increment, startedAtMs, stored.lease.incrementMs, servedUntilMs);
      if (amount <= 0n) continue;
      const hubId = parsePaymentMemo(e.memo)?.hubId ?? 'hub';
      owed =
        this.d.refunds.owe({
          leaseId,
          increment: e.increment,
          renter: stored.lease.renter,
          payer: e.recipient,
          paymentSignature: e.signature,
          amount,
          mint: e.mint,
          memo: formatRefundMemo(hubId, leaseId, e.increment),
          network: e.network,
          reason,
        }) || owed;
    }
    if (owed) this.d.earningsChanged();
    await this.settle();
  }

  /** Pays every owed refund and settles every sent one; one run at a time. */
  settle(): Promise<void> {
    return this.oneAtATime.queue(async () => {
      for (const refund of this.d.refunds.unsettled()) {
        try {
          if (refund.state === 'sent') await this.lookUp(refund);
          else await this.pay(refund);
        } catch (error) {
          this.d.refunds.note(refund.leaseId, refund.increment, `Not paid yet: ${errorText(error)}`);
          this.d.logError(`[supplier] refund of lease ${refund.leaseId}, increment ${refund.increment}`, error);
        }
      }
    });
  }

  private async pay(refund: StoredRefund): Promise<void> {
    const info = this.d.wallet.network.info();
    if (refund.network !== info.kind) {
      this.d.refunds.note(refund.leaseId, refund.increment, `Owed on ${refund.network}; switch the network to ${refund.network} to pay it.`);
      return;
    }
    const token = { symbol: info.token, decimals: info.decimals };
    const text = formatAmount({ token, baseUnits: refund.amount }, { symbol: true });
    const { signature } = await this.d.wallet.service.refund({
      from: refund.payer,
      to: refund.renter,
      mint: refund.mint,
      decimals: info.decimals,
      amount: refund.amount,
      memo: refund.memo,
      purpose: `Refund lease ${refund.leaseId}, increment ${incrementNumber(refund.increment)}: ${text} to ${refund.renter}`,
      onSigned: (s, lastValidBlockHeight) => this.d.refunds.markSigned(refund.leaseId, refund.increment, s, lastValidBlockHeight),
    });
    this.d.refunds.markConfirmed(refund.leaseId, refund.increment);
    this.d.notice('refund', 'Refund sent', `${text} back to the renter of lease ${refund.leaseId} (increment ${incrementNumber(refund.increment)}): ${refund.reason}`);
    this.d.earningsChanged();
    this.d.reported({ ...refund, state: 'confirmed', signature });
  }

  /** A refund signed before a crash (or whose confirmation timed out): landed, or expired and owed again. */
  private async lookUp(refund: StoredRefund): Promise<void> {
    const client = this.d.wallet.network.client();
    const status = await client.signatureStatus(refund.signature as Signature);
    if (status && !status.err && (status.confirmationStatus === 'confirmed' || status.confirmationStatus === 'finalized')) {
      this.d.refunds.markConfirmed(refund.leaseId, refund.increment);
      this.d.earningsChanged();
      this.d.reported({ ...refund, state: 'confirmed' });
      return;
    }
    if (status?.err) {
      this.d.refunds.markOwedAgain(refund.leaseId, refund.increment, 'The refund transaction failed on chain; it will be signed again.');
    } else if (!status && refund.lastValidBlockHeight !== null && (await client.blockHeight()) > refund.lastValidBlockHeight) {
      this.d.refunds.markOwedAgain(refund.leaseId, refund.increment, 'The refund transaction expired before it landed; it will be signed again.');
    } else {
      return; // still in flight: ask again on the next run
    }
    const again = this.d.refunds.forLease(refund.leaseId).find((r) => r.increment === refund.increment);
    if (again?.state === 'owed') await this.pay(again);
  }
}
