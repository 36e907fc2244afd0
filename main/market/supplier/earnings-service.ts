import { Emitter } from '../../../common/event';
import type { Event } from '../../../common/event';
import type { EarningRow, EarningsCsv, EarningsSummary, ReconcileReport, RecoveredPayment } from '../../../common/market/earnings-types';
import type { TokenUnit } from '../../../common/money/token';
import { PaymentVerifier } from '../../../solana/payments/payment-verifier';
import type { ChainReader } from '../../../solana/payments/payment-verifier';
import type { WalletModule } from '../../wallet/wallet-module';
import { earningsCsv, summarizeEarnings } from './earnings-report';
import { toEarningRow } from './earnings-store';
import type { EarningsStore, StoredEarning } from './earnings-store';
import { refundAsEarning } from './refund-store';
import type { RefundStore } from './refund-store';
import { errorText } from '../../../common/errors';

/**
 * The Earnings view's calls: summary, list, CSV and reconcile. Reconcile asks the chain
 * again about every row (the verifier without its credit store: these were credited once
 * already, and the question now is only whether the chain still says so).
 */
export class EarningsService {
  private readonly changed = new Emitter<{ atMs: number }>();
  /** Rows were checked again (the UI's `earnings:changed`; new rows come from the supplier session). */
  readonly onDidChange: Event<{ atMs: number }> = this.changed.event;

  constructor(
    private readonly store: EarningsStore,
    private readonly wallet: WalletModule,
    private readonly nowMs: () => number,
    private readonly refunds: RefundStore | null = null,
    /** Finds chain payments to this machine with an Idlegrid memo and no row, and books them (the supplier session). */
    private readonly recoverFromChain: (() => Promise<RecoveredPayment[]>) | null = null,
  ) {}

  summary(days: number): EarningsSummary {
    return summarizeEarnings(this.withRefunds(this.store.all()), this.nowMs(), days, this.token(), this.wallet.network.info().kind);
  }

  /** Payments, and refunds as negative rows, newest first. */
  list(limit: number, beforeMs?: number): EarningRow[] {
    const refunds = (this.refunds?.all() ?? []).map(refundAsEarning).filter((r) => beforeMs === undefined || r.paidAtMs < beforeMs);
    return [...this.store.list(limit, beforeMs), ...refunds]
      .sort((a, b) => b.paidAtMs - a.paidAtMs || (a.signature < b.signature ? -1 : 1))
      .slice(0, limit)
      .map(toEarningRow);
  }

  csv(): EarningsCsv {
    return earningsCsv(this.withRefunds(this.store.all()), this.token(), this.nowMs());
  }

  private withRefunds(rows: StoredEarning[]): StoredEarning[] {
    const refunds = (this.refunds?.all() ?? []).map(refundAsEarning);
    return refunds.length === 0 ? rows : [...rows, ...refunds].sort((a, b) => a.paidAtMs - b.paidAtMs);
  }

  async reconcile(): Promise<ReconcileReport> {
    // First the payments that arrived without a row (a lost lease.paid): booked, then checked with the rest.
    const found = this.recoverFromChain ? await this.recoverFromChain() : undefined;
    const network = this.wallet.network;
    const chain: ChainReader = {
      transaction: (signature, commitment) => network.client().transaction(signature, commitment) as ReturnType<ChainReader['transaction']>,
      signatureStatus: (signature) => network.client().signatureStatus(signature),
    };
    const verifier = new PaymentVerifier({ chain });
    const rows = this.store.all();
    const mismatched: ReconcileReport['mismatched'] = [];
    const kind = network.info().kind;
    for (const row of rows) {
      let reason: string | null = null;
      if (row.network !== kind) {
        reason = `Paid on ${row.network}; the app is on ${kind} now. Switch the network to check this row.`;
      } else {
        const result = await verifier.verify({ signature: row.signature, recipient: row.recipient, mint: row.mint, amount: row.amount, reference: row.reference, memo: row.memo }).catch(
          (error: unknown) => ({ ok: false as const, message: `The chain could not be asked: ${errorText(error)}` }),
        );
        if (!result.ok) reason = result.message;
        else if (result.receivedAmount < row.amount) reason = `The chain shows ${result.receivedAmount} base units received, less than the ${row.amount} recorded.`;
      }
      const atMs = this.nowMs();
      this.store.setReconcile(row.signature, reason ? 'mismatch' : 'ok', reason, atMs);
      if (reason) mismatched.push({ signature: row.signature, reason });
    }
    this.changed.fire({ atMs: this.nowMs() });
    return { checked: rows.length, ok: rows.length - mismatched.length, mismatched, ...(found ? { found } : {}), atMs: this.nowMs() };
  }

  /** The network's payment token: earnings are its base units. */
  private token(): TokenUnit {
    const info = this.wallet.network.info();
    return { symbol: info.token, decimals: info.decimals };
  }
}
