import { createHash } from 'node:crypto';
import type { HubStore } from '../store/hub-store';
import type { HubClock, RandomBytes } from '../support/hub-clock';

const CACHE_LIMIT = 100_000;

export interface SessionTokensDeps {
  store: HubStore;
  clock: HubClock;
  random: RandomBytes;
  ttlMs?: number;
}

/**
 * Session tokens given at sign-in. Only the SHA-256 of a token is stored, and sessions are
 * durable, so a worker keeps its session across a hub restart and reconnects without
 * signing again. Resolved sessions are cached in memory (a reconnect storm after a restart
 * must not turn into one database read per socket twice over).
 */
export class SessionTokens {
  private readonly cache = new Map<string, { address: string; expiresAtMs: number }>();
  private readonly ttlMs: number;

  constructor(private readonly options: SessionTokensDeps) {
    this.ttlMs = options.ttlMs ?? 7 * 86_400_000;
  }

  async create(address: string): Promise<{ token: string; expiresAtMs: number }> {
    const nowMs = this.options.clock.nowMs();
    const token = Buffer.from(this.options.random(32)).toString('base64url');
    const expiresAtMs = nowMs + this.ttlMs;
    const tokenHash = hashToken(token);
    await this.options.store.saveSession({ tokenHash, address, createdAtMs: nowMs, expiresAtMs });
    this.remember(tokenHash, { address, expiresAtMs });
    return { token, expiresAtMs };
  }

  /** Bounded: past the limit the oldest entries go (they are read from the store again if used). */
  private remember(tokenHash: string, session: { address: string; expiresAtMs: number }): void {
    if (this.cache.size >= CACHE_LIMIT) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
    this.cache.set(tokenHash, session);
  }

  /** The address signed in with this token, or null when it is unknown or expired. */
  async resolve(token: string): Promise<string | null> {
    const nowMs = this.options.clock.nowMs();
    const tokenHash = hashToken(token);
    let session = this.cache.get(tokenHash);
    if (!session) {
      const stored = await this.options.store.findSession(tokenHash);
      if (!stored) return null;
      session = { address: stored.address, expiresAtMs: stored.expiresAtMs };
      this.remember(tokenHash, session);
    }
    if (nowMs >= session.expiresAtMs) {
      this.cache.delete(tokenHash);
      return null;
    }
    return session.address;
  }
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
