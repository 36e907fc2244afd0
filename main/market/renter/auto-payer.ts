import { MutableDisposable, disposableInterval } from '../../../common/lifecycle';
import type { Disposable } from '../../../common/lifecycle';
import { formatAmount } from '../../../common/money/amount-text';
import type { TokenUnit } from '../../../common/money/token';
import type { AutoPayBudgets } from '../../wallet/auto-pay-budgets';
import type { LeaseFollower } from './lease-follower';
import type { LeasePayer } from './lease-payer';
import type { RentLedger } from './rent-ledger';
import { dueAtMs, nextUnpaid } from './rent-lease-view';
import type { Logger } from '../../../common/logger';
import { incrementNumber } from '../../../common/market/increment-number';

export interface AutoPayerDeps {
  follower: LeaseFollower;
  payer: LeasePayer;
  ledger: RentLedger;
  budgets: AutoPayBudgets;
  /** The network's payment token (what the budget and increments are counted in). */
  token: () => TokenUnit;
  nowMs: () => number;
  /** How often due times are looked at. */
  tickMs?: number;
  logger: Logger;
}

/**
 * Pays a lease's next increment from its budget, without asking, once it is due soon:
 * within the last third of the increment before it (or at once when that moment has
 * passed). Only leases whose auto-pay toggle is on; when the budget has no room for the
 * whole increment nothing is paid and the lease says so (its `nextDue` shows what to pay).
 */
export class AutoPayer implements Disposable {
  private readonly timer = new MutableDisposable();

  constructor(private readonly o: AutoPayerDeps) {}

  start(): void {
    if (this.timer.value) return;
    this.timer.value = disposableInterval(() => {
      for (const leaseId of this.o.follower.leaseIds()) this.check(leaseId);
    }, this.o.tickMs ?? 1_000);
  }

  dispose(): void {
    void this.timer.dispose();
  }

  check(leaseId: string): void {
    const view = this.o.follower.get(leaseId);
    if (!view || view.state === 'ended' || view.startedAtMs === null) return;
    const next = nextUnpaid(view);
    const due = next && next.increment.index > 0 ? dueAtMs(view, next.increment) : null;
    if (!next || due === null || this.o.nowMs() < due - Math.floor(view.incrementMs / 3) || !this.o.ledger.lease(leaseId)?.autoPayEnabled) {
      // Nothing to pay from the budget now: an old auto-pay note no longer applies.
      this.o.follower.setNote(leaseId, null);
      return;
    }
    if (this.o.payer.busy(leaseId)) return;
    const index = next.increment.index;
    // Money only for machines that run: a lease whose nodes are not all running (a
    // supplier that swallowed it, a machine still pulling) is not paid from the budget.
    const notRunning = view.nodes.filter((n) => n.state !== 'running' || n.downSinceMs !== undefined);
    if (notRunning.length > 0) {
      this.o.follower.setNote(leaseId, `Auto-pay holds increment ${incrementNumber(index)}: machine(s) ${notRunning.map((n) => n.rank).join(', ')} are not running (${notRunning.map((n) => (n.downSinceMs !== undefined ? 'down' : n.state)).join(', ')}). Nothing is paid for machines that do not run.`);
      return;
    }
    const token = this.o.token();
    const text = (baseUnits: bigint) => formatAmount({ token, baseUnits }, { symbol: true });
    const budget = this.o.budgets.get(leaseId);
    const room = budget ? budget.limit - budget.spent : 0n;
    if (room < next.amount) {
      this.o.follower.setNote(
        leaseId,
        `The auto-pay budget has ${text(room > 0n ? room : 0n)} left, not enough for increment ${incrementNumber(index)} (${text(next.amount)}). Pay it yourself before it is due, or raise the budget, or the lease ends unpaid.`,
      );
      return;
    }
    this.o.payer
      .payIncrement(view, index, 'budget')
      .then(() => this.o.follower.setNote(leaseId, null))
      .catch((error: Error) => {
        this.o.logger.warn({ err: error, leaseId, increment: index }, 'auto-pay of an increment failed');
        this.o.follower.setNote(leaseId, `Auto-pay could not pay increment ${incrementNumber(index)}: ${error.message}`);
      });
  }
}
