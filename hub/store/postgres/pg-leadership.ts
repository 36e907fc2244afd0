import pg from 'pg';

/** Any fixed number, distinct from the migration lock: held by the one hub instance of a database that keeps lease deadlines. */
const ACTIVE_HUB_LOCK = 0x1d1e_4ac7;

/**
 * Which hub instance of a PostgreSQL database leads (applies lease deadlines: see
 * instances/pg-deadline-keeper.ts; every instance serves): the one holding a session-level
 * advisory lock on a connection of its own. The others wait in `pg_advisory_lock` and get
 * it the moment the active instance's session ends — when its process dies (even `kill -9`:
 * the kernel closes the socket and the server ends the session), or its connection drops.
 * The lock lives exactly as long as that session, so two instances can never both hold it;
 * an instance that loses its connection must stop at once (`onLost`), because another may
 * already have taken over.
 */
export class PgLeadership {
  private released = false;

  private constructor(private readonly client: pg.Client) {}

  static async acquire(url: string, hooks: { onWaiting(): void; onLost(error: Error | null): void }): Promise<PgLeadership> {
    const client = new pg.Client({ connectionString: url, keepAlive: true, keepAliveInitialDelayMillis: 5_000 });
    await client.connect();
    try {
      const { rows } = await client.query<{ held: boolean }>('SELECT pg_try_advisory_lock($1) AS held', [ACTIVE_HUB_LOCK]);
      if (!rows[0]?.held) {
        hooks.onWaiting();
        await client.query('SELECT pg_advisory_lock($1)', [ACTIVE_HUB_LOCK]);
      }
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    const leadership = new PgLeadership(client);
    const lost = (error: Error | null) => {
      if (!leadership.released) hooks.onLost(error);
    };
    client.on('error', (error) => lost(error));
    client.on('end', () => lost(null));
    return leadership;
  }

  /** Lets the next instance take over (a clean shutdown). */
  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    await this.client.end().catch(() => undefined);
  }
}
