import { ApiError } from '../../common/api/errors';
import type Database from 'better-sqlite3';

export interface AutoPayBudget {
  leaseId: string;
  limit: bigint;
  spent: bigint;
}

/** The owner's bounds on auto-pay (settings): no lease budget above `ceiling`, no more than `dailyCap` auto-paid in any 24 hours. */
export interface AutoPayLimits {
  ceiling: bigint;
  dailyCap: bigint;
}

const DAY_MS = 86_400_000;

/**
 * Budgets a renter set for paying a lease's next increments without being asked each
 * time. A payment is auto-approved only when the user turned auto-pay on (settings) AND
 * the lease has a budget with room for the whole amount; the room is reserved in the same
 * SQLite transaction that checks it, so two payments cannot both squeeze into the last
 * of a budget, and a restart keeps what was spent.
 */
export class AutoPayBudgets {
  private readonly select: Database.Statement<[string], { limit_base_units: string; spent_base_units: string }>;
  private readonly upsert: Database.Statement<[string, string, number, number]>;
  private readonly setSpent: Database.Statement<[string, number, string]>;

  private readonly insertSpend: Database.Statement<[string, string, number]>;
  private readonly spendsSince: Database.Statement<[number], { amount_base_units: string }>;
  private readonly deleteSpend: Database.Statement<[string, string]>;

  constructor(
    private readonly db: Database.Database,
    private readonly nowMs: () => number = Date.now,
    /** The owner's ceiling and daily cap, read at each use (they are settings). */
    private readonly limits: () => AutoPayLimits = () => ({ ceiling: 2n ** 63n, dailyCap: 2n ** 63n }),
  ) {
    this.insertSpend = db.prepare('INSERT INTO auto_pay_spends (lease_id, amount_base_units, at_ms) VALUES (?, ?, ?)');
    this.spendsSince = db.prepare('SELECT amount_base_units FROM auto_pay_spends WHERE at_ms > ?');
    this.deleteSpend = db.prepare('DELETE FROM auto_pay_spends WHERE id = (SELECT max(id) FROM auto_pay_spends WHERE lease_id = ? AND amount_base_units = ?)');
    this.select = db.prepare('SELECT limit_base_units, spent_base_units FROM auto_pay_budgets WHERE lease_id = ?');
    this.upsert = db.prepare(
      `INSERT INTO auto_pay_budgets (lease_id, limit_base_units, spent_base_units, created_at_ms, updated_at_ms)
       VALUES (?, ?, '0', ?, ?)
       ON CONFLICT(lease_id) DO UPDATE SET limit_base_units = excluded.limit_base_units, updated_at_ms = excluded.updated_at_ms`,
    );
    this.setSpent = db.prepare('UPDATE auto_pay_budgets SET spent_base_units = ?, updated_at_ms = ? WHERE lease_id = ?');
  }

  /** Sets (or changes) the most that may be paid for a lease without asking; spent is kept. Refused above the owner's ceiling. */
  grant(leaseId: string, limit: bigint): void {
    if (limit < 0n) throw new Error('An auto-pay budget cannot be negative.');
    const { ceiling } = this.limits();
    if (limit > ceiling) {
      throw new ApiError('invalid_params', `That budget is above your auto-pay ceiling of ${ceiling} base units per lease. Lower it, or raise the ceiling in Settings → Wallet first.`, 'auto_pay_over_ceiling');
    }
    const now = this.nowMs();
    this.upsert.run(leaseId, limit.toString(), now, now);
  }

  get(leaseId: string): AutoPayBudget | null {
    const row = this.select.get(leaseId);
    return row ? { leaseId, limit: BigInt(row.limit_base_units), spent: BigInt(row.spent_base_units) } : null;
  }

  /** What auto-pay spent in the last 24 hours, over every lease. */
  spentLastDay(): bigint {
    let sum = 0n;
    for (const row of this.spendsSince.all(this.nowMs() - DAY_MS)) sum += BigInt(row.amount_base_units);
    return sum;
  }

  /** What auto-pay spent in the last 24 hours over every lease, and the owner's daily cap: what the app shows next to every budget. */
  day(): { spent: bigint; cap: bigint } {
    return { spent: this.spentLastDay(), cap: this.limits().dailyCap };
  }

  /**
   * Reserves `amount` from the lease's budget; false (nothing reserved) when it does not
   * fit the budget, the owner's ceiling or the daily cap.
   */
  tryReserve(leaseId: string, amount: bigint): boolean {
    return this.db.transaction(() => {
      const budget = this.get(leaseId);
      const { ceiling, dailyCap } = this.limits();
      if (!budget || amount <= 0n || budget.spent + amount > budget.limit || budget.spent + amount > ceiling) return false;
      if (this.spentLastDay() + amount > dailyCap) return false;
      const now = this.nowMs();
      this.setSpent.run((budget.spent + amount).toString(), now, leaseId);
      this.insertSpend.run(leaseId, amount.toString(), now);
      return true;
    }).immediate();
  }

  /**
   * At start, before any payment runs: each budget's spent becomes what the recorded
   * payments say (`recorded`, by lease). A crash between reserving and signing left a
   * reservation no payment stands for; without this the budget leaks it for good.
   * Returns the leases whose budget changed.
   */
  reconcile(recorded: ReadonlyMap<string, bigint>): string[] {
    return this.db.transaction(() => {
      const changed: string[] = [];
      const rows = this.db.prepare<[], { lease_id: string; spent_base_units: string }>('SELECT lease_id, spent_base_units FROM auto_pay_budgets').all();
      for (const row of rows) {
        const spent = recorded.get(row.lease_id) ?? 0n;
        if (BigInt(row.spent_base_units) === spent) continue;
        this.setSpent.run(spent.toString(), this.nowMs(), row.lease_id);
        changed.push(row.lease_id);
      }
      return changed;
    }).immediate();
  }

  /** Gives back a reservation whose payment never left (signing or sending failed). */
  release(leaseId: string, amount: bigint): void {
    this.db.transaction(() => {
      const budget = this.get(leaseId);
      if (!budget) return;
      const spent = budget.spent > amount ? budget.spent - amount : 0n;
      this.setSpent.run(spent.toString(), this.nowMs(), leaseId);
      this.deleteSpend.run(leaseId, amount.toString());
    }).immediate();
  }
}
