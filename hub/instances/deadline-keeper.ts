/**
 * Which hub instance applies lease deadlines (reservations expiring, increments unpaid,
 * machines lost, starts missed, refunds owed). Every instance serves workers and renters,
 * but a deadline must be applied once, by an instance that sees every lease: one keeper at a
 * time. A hub alone on its store (SQLite) is always its own keeper.
 */
export interface DeadlineKeeper {
  readonly held: boolean;
  /** Stops keeping (a clean shutdown lets the next instance take over at once). */
  release(): Promise<void>;
}

export const SOLE_KEEPER: DeadlineKeeper = {
  held: true,
  release: async () => undefined,
};
