import type { HubClock } from '../support/hub-clock';

/**
 * Token buckets per identity (a wallet address once signed in, the remote address before).
 * A bucket refills at `ratePerSec` up to `burst`; each message or request takes one token
 * (or `cost`). Full buckets are forgotten, so memory follows active identities only.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; atMs: number }>();

  constructor(
    private readonly clock: HubClock,
    private readonly ratePerSec: number,
    private readonly burst: number,
  ) {}

  take(key: string, cost = 1): boolean {
    const nowMs = this.clock.nowMs();
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = { tokens: this.burst, atMs: nowMs };
      this.buckets.set(key, bucket);
    } else {
      bucket.tokens = Math.min(this.burst, bucket.tokens + ((nowMs - bucket.atMs) / 1000) * this.ratePerSec);
      bucket.atMs = nowMs;
    }
    if (bucket.tokens < cost) return false;
    bucket.tokens -= cost;
    return true;
  }

  /** Drops buckets that have refilled completely (call now and then). */
  sweep(): void {
    const nowMs = this.clock.nowMs();
    for (const [key, b] of this.buckets) {
      if (b.tokens + ((nowMs - b.atMs) / 1000) * this.ratePerSec >= this.burst) this.buckets.delete(key);
    }
  }

  get size(): number {
    return this.buckets.size;
  }
}
