import type { Address, Signature } from '@solana/kit';
import { ApiError } from '../../../common/api/errors';
import { SequencerByKey } from '../../../common/async';
import { Emitter } from '../../../common/event';
import type { Event } from '../../../common/event';
import type { IncrementPayment, LeaseView } from '../../../common/hub/lease-types';
import { formatAmount } from '../../../common/money/amount-text';
import { SOL } from '../../../common/money/token';
import type { TokenUnit } from '../../../common/money/token';
import type { PayOptions } from '../../wallet/wallet-service';
import type { WalletModule } from '../../wallet/wallet-module';
import type { MarketHub } from '../market-hub';
import { isHubError, rentError } from './rent-errors';
import { errorText } from '../../../common/errors';
import { storageFailureText } from '../../../sqlite/storage-failure';
import type { RentLedger, RentPayment } from './rent-ledger';
import { incrementNumber } from '../../../common/market/increment-number';

export type PaymentApproval = NonNullable<PayOptions['approval']>;

export interface LeasePayerDeps {
  wallet: WalletModule;
  hub: MarketHub;
  ledger: RentLedger;
  nowMs: () => number;
  /**
   * How long a signed transfer that the chain does not know may still land (a Solana
   * blockhash lives about 60–90 s); after that it is certainly lost and is paid again.
   */
  unsentExpiryMs?: number;
  /** How often and how long to resubmit a signature the hub's RPC does not see yet. */
  submitRetryMs?: number;
  submitAttempts?: number;
  /** Tests: runs (synchronously) once a transfer is signed and recorded, before it is sent: a kill -9 here leaves a signed, unsent payment. */
  afterSigned?: (payment: { leaseId: string; increment: number; payee: string; signature: string }) => void;
  /** Tests: runs after a transfer is on chain and before the hub hears of it, where a crash must not pay twice. */
  afterSent?: (payment: { leaseId: string; increment: number; payee: string; signature: string }) => void | Promise<void>;
}

/** Sandbox slots only advance with transactions, so a lost one is judged by wall time. */
const DEFAULT_UNSENT_EXPIRY_MS = 120_000;
const LAMPORTS_PER_TRANSFER = 5_000n;

/**
 * Pays a lease increment: one transfer per supplier with the wallet (which asks the user
 * unless the lease's auto-pay budget covers it), each recorded in ledger.db when signed
 * (before it is sent), marked sent once on chain, then handed to the hub and marked
 * submitted. A retry of the same payment — after a crash, a lost answer or a timeout —
 * finds the recorded signature and submits it instead of paying again. Payments of one
 * lease run one at a time, so auto-pay and a manual "pay now" cannot both pay.
 */
export class LeasePayer {
  /** Payments of one lease, one at a time. */
  private readonly perLease = new SequencerByKey<string>();
  private readonly receiptsChanged = new Emitter<{ atMs: number }>();
  /** A receipt was recorded or changed (the UI's `rent:receipts-changed`). */
  readonly onDidChangeReceipts: Event<{ atMs: number }> = this.receiptsChanged.event;

  constructor(private readonly o: LeasePayerDeps) {}

  /** Receipts were healed from the hub's word at start: the UI reads them again. */
  receiptsHealed(): void {
    this.receiptsChanged.fire({ atMs: this.o.nowMs() });
  }

  /** A payment of the lease is running or waiting. */
  busy(leaseId: string): boolean {
    return this.perLease.isBusy(leaseId);
  }

  /** Resolves once no payment runs or waits (the renter is stopping). */
  idle(): Promise<void> {
    return this.perLease.idle();
  }

  /** Pays what is still unpaid of increment `index` (the lease as the hub last showed it). */
  payIncrement(lease: LeaseView, index: number, approval: PaymentApproval): Promise<void> {
    return this.perLease.queue(lease.leaseId, () => this.payNow(lease, index, approval));
  }

  /** After a restart: hands the hub every recorded payment it may not have heard of. */
  resume(payment: RentPayment): Promise<void> {
    return this.perLease.queue(payment.leaseId, async () => {
      await this.settle(payment);
    });
  }

  private async payNow(lease: LeaseView, index: number, approval: PaymentApproval): Promise<void> {
    const increment = lease.increments.find((i) => i.index === index);
    if (!increment) throw new ApiError('not_found', `Lease ${lease.leaseId} has no increment ${incrementNumber(index)}. Extend the lease to add increments.`, 'increment_not_found');
    const info = this.o.wallet.network.info();
    if (info.status !== 'ready') throw new ApiError('unavailable', `The network is not ready (${info.error ?? 'starting'}). Try again in a moment.`, 'network_not_ready');
    if (lease.token !== info.token || lease.mint !== info.mint) {
      throw new ApiError('conflict', `The hub takes payments in ${lease.token} (mint ${lease.mint}) but the wallet is on ${info.label} with ${info.token} (mint ${info.mint}). Switch the network to the one the hub uses (Settings → Wallet and network).`, 'payment_mint_mismatch');
    }
    const down = lease.nodes.filter((n) => n.downSinceMs !== undefined);
    if (down.length > 0 && index > 0) {
      throw new ApiError('unavailable', `Nothing was paid: machine ${down.map((n) => n.rank).join(', ')} of this lease is down (${down[0]!.message ?? 'its container engine stopped'}). The hub takes no payment for it until it runs again; pay then.`, 'nodes_down');
    }
    const toPay: IncrementPayment[] = [];
    for (const p of increment.payments.filter((x) => x.signature === null)) {
      const recorded = this.o.ledger.payment(lease.leaseId, index, p.payee);
      if (!recorded || !(await this.settle(recorded))) toPay.push(p);
    }
    if (toPay.length === 0) return;
    const token: TokenUnit = { symbol: info.token, decimals: info.decimals };
    await this.checkFunds(toPay, token);
    for (const p of toPay) await this.payOne(lease, index, p, approval, token, info.kind);
  }

  private async checkFunds(payments: IncrementPayment[], token: TokenUnit): Promise<void> {
    const total = payments.reduce((sum, p) => sum + BigInt(p.amount), 0n);
    const balances = await this.o.wallet.service.balances();
    const held = BigInt(balances.tokenAmount);
    if (held < total) {
      const text = (baseUnits: bigint) => formatAmount({ token, baseUnits });
      throw new ApiError(
        'conflict',
        `Not enough ${token.symbol}: this payment needs ${text(total)} ${token.symbol} and the wallet holds ${text(held)}. Add ${token.symbol} to ${balances.address} (on Sandbox, use the faucet in Wallet) and pay again.`,
        'insufficient_token_balance',
      );
    }
    const fees = LAMPORTS_PER_TRANSFER * BigInt(payments.length) + 2_100_000n * BigInt(payments.length);
    if (BigInt(balances.lamports) < fees) {
      throw new ApiError('conflict', `Not enough SOL for the network fees (and a supplier's token account, if it has none yet). Add about ${formatAmount({ token: SOL, baseUnits: fees }, { symbol: true })} to ${balances.address} and pay again.`, 'insufficient_sol');
    }
  }

  private async payOne(lease: LeaseView, index: number, p: IncrementPayment, approval: PaymentApproval, token: TokenUnit, network: string): Promise<void> {
    const payer = this.o.wallet.vault.activeAddress();
    if (!payer) throw new ApiError('not_found', 'There is no wallet yet. Create or import one in the Wallet view.', 'no_wallet');
    const onSigned = (signature: Signature, meta: { autoApproved: boolean; signedTransaction: string; lastValidBlockHeight: bigint }) => {
      this.o.ledger.recordSigned({
        autoApproved: meta.autoApproved,
        leaseId: lease.leaseId,
        increment: index,
        payee: p.payee,
        payer,
        amount: BigInt(p.amount),
        token: token.symbol,
        mint: lease.mint,
        reference: p.reference,
        network,
        signature,
        signedAtMs: this.o.nowMs(),
        signedTransaction: meta.signedTransaction,
        lastValidBlockHeight: meta.lastValidBlockHeight,
      });
      this.o.afterSigned?.({ leaseId: lease.leaseId, increment: index, payee: p.payee, signature });
    };
    let paid: { signature: Signature; autoApproved: boolean };
    try {
      paid = await this.o.wallet.service.pay(
        { recipient: p.payee as Address, mint: lease.mint as Address, token, amount: BigInt(p.amount), reference: p.reference as Address, leaseId: lease.leaseId, increment: index, memo: p.memo },
        { approval, onSigned },
      );
    } catch (error) {
      // The payment is recorded before it is sent: a record that failed means nothing left.
      const disk = storageFailureText(error);
      if (disk) throw new ApiError('unavailable', `Nothing was paid: ${disk} A payment is recorded before it is sent, so this one was not sent. Free some space and pay again.`, 'storage_failing');
      throw error;
    }
    const { signature, autoApproved } = paid;
    const amountText = `${formatAmount({ token, baseUnits: BigInt(p.amount) })} ${token.symbol}`;
    let unrecorded: string | null = null;
    try {
      this.o.ledger.markSent(signature, autoApproved, this.o.nowMs());
      this.receiptsChanged.fire({ atMs: this.o.nowMs() });
    } catch (error) {
      // The money is on chain: the hub must still hear of it, the record can wait.
      unrecorded = storageFailureText(error);
      if (!unrecorded) throw error;
    }
    await this.o.afterSent?.({ leaseId: lease.leaseId, increment: index, payee: p.payee, signature });
    try {
      await this.submit(lease.leaseId, index, p.payee, signature);
    } catch (error) {
      const disk = storageFailureText(error);
      if (disk) {
        throw new ApiError('unavailable', `The hub credited the transfer of ${amountText} (transaction ${signature}), but this app could not record that: ${disk} It is recorded when space returns (at the next start at the latest); it is never paid twice.`, 'storage_failing');
      }
      if (unrecorded && error instanceof ApiError) {
        throw new ApiError(error.code, `The transfer of ${amountText} went on chain (transaction ${signature}) but could not be recorded: ${unrecorded} ${error.message}`, error.reason);
      }
      throw error;
    }
    if (unrecorded) {
      throw new ApiError('unavailable', `The transfer of ${amountText} went on chain (transaction ${signature}) and the hub credited it, but this app could not record it: ${unrecorded} It will be recorded when space returns (at the next start at the latest); paying again finds it, it never pays twice.`, 'storage_failing');
    }
  }

  /**
   * Brings a recorded payment to the hub. true: it is paid (now or before); false: the
   * signed transfer never reached the chain and was forgotten, so it must be paid again.
   */
  private async settle(recorded: RentPayment): Promise<boolean> {
    if (recorded.state === 'submitted') return true;
    if (recorded.state === 'signed') {
      const client = this.o.wallet.network.client();
      const status = await client.signatureStatus(recorded.signature as Signature);
      if (status && status.err === null) {
        this.o.ledger.markSent(recorded.signature, null, this.o.nowMs());
        this.receiptsChanged.fire({ atMs: this.o.nowMs() });
      } else if (status) {
        // Failed on chain: no token moved.
        this.o.ledger.forgetUnsent(recorded.signature);
        return false;
      } else if (recorded.signedTransaction !== null && recorded.lastValidBlockHeight !== null) {
        // Signed, maybe never sent (a crash between signing and sending): the very same
        // transaction goes out again. One signature, so it can never pay twice (issue 19, item 8).
        if (!(await this.resend(recorded, recorded.signedTransaction, recorded.lastValidBlockHeight))) return false;
      } else if (this.o.nowMs() - recorded.signedAtMs < (this.o.unsentExpiryMs ?? DEFAULT_UNSENT_EXPIRY_MS)) {
        throw new ApiError(
          'conflict',
          `The payment to ${recorded.payee} for increment ${incrementNumber(recorded.increment)} (transaction ${recorded.signature}) was signed and is not on chain yet. Wait a minute and pay again: it will be paid once, not twice.`,
          'payment_pending_on_chain',
        );
      } else {
        this.o.ledger.forgetUnsent(recorded.signature);
        return false;
      }
    }
    await this.submit(recorded.leaseId, recorded.increment, recorded.payee, recorded.signature);
    return true;
  }

  /**
   * Sends a stored signed transaction again and waits until it is on chain. true: it is
   * on chain now (marked sent); false: its blockhash expired without it landing, so no
   * token moved and it was forgotten (the payment is made anew).
   */
  private async resend(recorded: RentPayment, wire: string, lastValidBlockHeight: bigint): Promise<boolean> {
    const client = this.o.wallet.network.client();
    const signature = recorded.signature as Signature;
    if ((await client.blockHeight()) > lastValidBlockHeight) {
      // Expired: the chain can no longer take it, unless it already did (checked just before).
      if ((await client.signatureStatus(signature)) === null) {
        this.o.ledger.forgetUnsent(recorded.signature);
        return false;
      }
    } else {
      try {
        await client.sendWire(wire);
      } catch (error) {
        // It may have landed meanwhile (the send is then refused as already processed).
        const status = await client.signatureStatus(signature);
        if (!status) {
          if ((await client.blockHeight()) > lastValidBlockHeight) {
            this.o.ledger.forgetUnsent(recorded.signature);
            return false;
          }
          throw new ApiError('unavailable', `The payment to ${recorded.payee} for increment ${recorded.increment} (transaction ${recorded.signature}) was signed but could not be sent again: ${errorText(error)} Pay again in a moment: the same transaction is sent, it cannot pay twice.`, 'payment_resend_failed');
        }
      }
    }
    try {
      await client.confirm(signature, { commitment: 'confirmed', lastValidBlockHeight });
    } catch (error) {
      if (error instanceof ApiError && error.reason === 'transaction_expired') {
        this.o.ledger.forgetUnsent(recorded.signature);
        return false;
      }
      if (error instanceof ApiError && error.reason === 'transaction_failed') {
        this.o.ledger.forgetUnsent(recorded.signature);
        return false;
      }
      throw error;
    }
    this.o.ledger.markSent(recorded.signature, null, this.o.nowMs());
    this.receiptsChanged.fire({ atMs: this.o.nowMs() });
    return true;
  }

  private async submit(leaseId: string, increment: number, payee: string, signature: string): Promise<void> {
    const attempts = this.o.submitAttempts ?? 10;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.o.hub.withSession((c) => c.submitPayment(leaseId, { increment, payee, signature }));
      } catch (error) {
        // The hub's RPC may not see the transfer yet: the same signature again is safe.
        if (isHubError(error, 'unavailable') && attempt < attempts) {
          await new Promise((resolve) => setTimeout(resolve, this.o.submitRetryMs ?? 1_000));
          continue;
        }
        const mapped = rentError(error, `hand payment ${signature} to the hub`);
        throw new ApiError(mapped.code, `${mapped.message} The transfer itself is on chain and recorded under Spending; paying again later submits it, it does not pay twice.`, mapped.reason);
      }
      // Credited. A record that fails here (a full disk) is the caller's to explain.
      this.o.ledger.markSubmitted(signature);
      this.receiptsChanged.fire({ atMs: this.o.nowMs() });
      return;
    }
  }
}
