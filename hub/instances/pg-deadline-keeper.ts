import { PgLeadership } from '../store/postgres/pg-leadership';
import type { DeadlineKeeper } from './deadline-keeper';

/**
 * The keeper of a PostgreSQL database is the instance holding its session-level advisory
 * lock (`PgLeadership`). The others wait for the lock in the background while they serve;
 * when the keeper dies (even `kill -9`: the server ends its session) one of them gets it.
 */
export class PgDeadlineKeeper implements DeadlineKeeper {
  private leadership: PgLeadership | null = null;
  private stopped = false;

  private constructor() {}

  /**
   * `onHeld`: this instance just became the keeper. `onLost`: the lock's session broke while
   * held — another instance may already keep the deadlines, so this one must stop.
   */
  static start(url: string, hooks: { onHeld(): void; onLost(error: Error | null): void; onError(error: unknown): void }): PgDeadlineKeeper {
    const keeper = new PgDeadlineKeeper();
    PgLeadership.acquire(url, { onWaiting: () => undefined, onLost: hooks.onLost }).then(
      async (leadership) => {
        if (keeper.stopped) return leadership.release();
        keeper.leadership = leadership;
        hooks.onHeld();
      },
      (error: unknown) => {
        if (!keeper.stopped) hooks.onError(error);
      },
    );
    return keeper;
  }

  get held(): boolean {
    return this.leadership !== null;
  }

  async release(): Promise<void> {
    this.stopped = true;
    const leadership = this.leadership;
    this.leadership = null;
    await leadership?.release();
  }
}
