/**
 * The hub's clock as this machine knows it. Lease deadlines (paid through, grace) are in
 * the hub's time; a machine whose clock runs ahead would otherwise stop a paid job early
 * (issue 19, item 12). The worker socket measures the offset at the welcome and at every
 * heartbeat; until it has, there is no hub time, and nothing paid is ended on local
 * time alone.
 */
export class HubTime {
  private offsetMs: number | null = null;

  constructor(private readonly localNowMs: () => number) {}

  /** The hub's clock minus this machine's, as last measured. */
  measured(offsetMs: number): void {
    this.offsetMs = offsetMs;
  }

  offset(): number | null {
    return this.offsetMs;
  }

  /** The hub's time now; null while the offset was never measured. */
  nowMs(): number | null {
    return this.offsetMs === null ? null : this.localNowMs() + this.offsetMs;
  }
}
