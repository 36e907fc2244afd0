import { createHash } from 'node:crypto';
import type { SessionAudience } from '../../common/hub/sign-in-message';
import type { HubStore } from '../store/hub-store';
import type { HubClock, RandomBytes } from '../support/hub-clock';

const CACHE_LIMIT = 100_000;

export interface SessionTokensDeps {
  store: HubStore;
  clock: HubClock;
  random: RandomBytes;
  ttlMs?: number;
}

/** Who a session token belongs to and what it may do. */
export interface SessionHolder {
  address: string;
  audience: SessionAudience;
}

interface CachedSession extends SessionHolder {
  expiresAtMs: number;
}

/**
 * Session tokens given at sign-in. Only the SHA-256 of a token is stored, and sessions are
 * durable, so a worker keeps its session across a hub restart and reconnects without
 * signing again. Each session has an audience (renter or worker) fixed at sign-in, and can
 * be revoked by its holder (sign-out). Resolved sessions are cached in memory (a reconnect
 * storm after a restart must not turn into one database read per socket twice over).
 */
export class SessionTokens {
  private readonly cache = new Map<string, CachedSession>();
  private readonly revokedListeners = new Set<(tokenHash: string) => void>();
  private readonly ttlMs: number;

  constructor(private readonly options: SessionTokensDeps) {
    this.ttlMs = options.ttlMs ?? 7 * 86_400_000;
  }

  async create(address: string, audience: SessionAudience): Promise<{ token: string; expiresAtMs: number }> {
    const nowMs = this.options.clock.nowMs();
    const token = Buffer.from(this.options.random(32)).toString('base64url');
    const expiresAtMs = nowMs + this.ttlMs;
    const tokenHash = hashToken(token);
    await this.options.store.saveSession({ tokenHash, address, audience, createdAtMs: nowMs, expiresAtMs });
    this.remember(tokenHash, { address, audience, expiresAtMs });
    return { token, expiresAtMs };
  }

  /** Bounded: past the limit the oldest entries go (they are read from the store again if used). */
  private remember(tokenHash: string, session: CachedSession): void {
    if (this.cache.size >= CACHE_LIMIT) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
    this.cache.set(tokenHash, session);
  }

  /** Who signed in with this token, or null when it is unknown, revoked or expired. */
  async resolve(token: string): Promise<SessionHolder | null> {
    const nowMs = this.options.clock.nowMs();
    const tokenHash = hashToken(token);
    let session = this.cache.get(tokenHash);
    if (!session) {
      const stored = await this.options.store.findSession(tokenHash);
      if (!stored) return null;
      session = { address: stored.address, audience: stored.audience, expiresAtMs: stored.expiresAtMs };
      this.remember(tokenHash, session);
    }
    if (nowMs >= session.expiresAtMs) {
      this.cache.delete(tokenHash);
      return null;
    }
    return { address: session.address, audience: session.audience };
  }

  /** Ends the session of this token (sign-out): later calls and open sockets with it are refused. */
  async revoke(token: string): Promise<boolean> {
    const tokenHash = hashToken(token);
    this.cache.delete(tokenHash);
    const existed = await this.options.store.deleteSession(tokenHash);
    for (const listener of this.revokedListeners) listener(tokenHash);
    return existed;
  }

  /** Gateways close the sockets that said hello with a token when it is revoked. */
  onRevoked(listener: (tokenHash: string) => void): () => void {
    this.revokedListeners.add(listener);
    return () => this.revokedListeners.delete(listener);
  }
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
