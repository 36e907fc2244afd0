import type { TelemetryState, TelemetryStatus } from '../../../common/hardware/detection';
import type { TelemetrySource } from '../telemetry-service';

// The state a machine with two vendors shows: the worse of the two.
const SEVERITY: Record<TelemetryState, number> = { running: 0, stopped: 1, restarting: 2, unavailable: 3 };

/**
 * Several vendors' sources as one (a machine with NVIDIA and AMD GPUs): started and
 * stopped together; the status is the worse state, both messages, and the spawns summed.
 */
export class CombinedTelemetrySource implements TelemetrySource {
  private readonly sources: TelemetrySource[];

  constructor(
    create: (onStatus: (status: TelemetryStatus) => void) => TelemetrySource[],
    private readonly onStatus: (status: TelemetryStatus) => void,
  ) {
    this.sources = create(() => this.onStatus(this.status()));
  }

  start(): void {
    for (const source of this.sources) source.start();
  }

  async stop(): Promise<void> {
    await Promise.all(this.sources.map((s) => s.stop()));
  }

  status(): TelemetryStatus {
    const all = this.sources.map((s) => s.status());
    const worst = all.reduce((a, b) => (SEVERITY[b.state] > SEVERITY[a.state] ? b : a));
    const last = all.map((s) => s.lastSampleAtMs).filter((t): t is number => t !== null);
    return {
      state: worst.state,
      message: all.map((s) => s.message).join(' '),
      spawns: all.reduce((sum, s) => sum + s.spawns, 0),
      lastSampleAtMs: last.length > 0 ? Math.max(...last) : null,
    };
  }
}
