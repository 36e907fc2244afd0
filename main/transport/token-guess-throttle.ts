/**
 * Counts wrong headless access tokens per remote address. After `maxFailures` within
 * `windowMs` the address is refused (even with the right token) until the window that
 * began with its first failure ends: a 256-bit token cannot be guessed, but nobody should
 * get to try at network speed, and the log stays readable. Memory is bounded: past
 * `maxAddresses` the oldest entries go.
 */
export class TokenGuessThrottle {
  private readonly failures = new Map<string, { count: number; sinceMs: number }>();
  private readonly maxAddresses: number;

  constructor(
    private readonly o: { maxFailures: number; windowMs: number; maxAddresses?: number },
    private readonly nowMs: () => number = Date.now,
  ) {
    this.maxAddresses = o.maxAddresses ?? 10_000;
  }

  /** Milliseconds the address must still wait; 0 when it may try. */
  lockedForMs(address: string): number {
    const entry = this.current(address);
    if (!entry || entry.count < this.o.maxFailures) return 0;
    return entry.sinceMs + this.o.windowMs - this.nowMs();
  }

  failed(address: string): void {
    const entry = this.current(address);
    if (entry) {
      entry.count++;
      return;
    }
    if (this.failures.size >= this.maxAddresses) {
      const oldest = this.failures.keys().next().value;
      if (oldest !== undefined) this.failures.delete(oldest);
    }
    this.failures.set(address, { count: 1, sinceMs: this.nowMs() });
  }

  private current(address: string): { count: number; sinceMs: number } | null {
    const entry = this.failures.get(address);
    if (!entry) return null;
    if (this.nowMs() - entry.sinceMs >= this.o.windowMs) {
      this.failures.delete(address);
      return null;
    }
    return entry;
  }
}
