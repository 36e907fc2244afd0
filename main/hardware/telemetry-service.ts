import type { EventBus } from '../../common/event-bus';
import type { ApiEventMap } from '../../common/api/contract';
import type { TelemetrySample } from '../../common/hardware/gpu';
import type { TelemetryStatus } from '../../common/hardware/detection';
import type { HistoryRange, TelemetrySeries } from '../../common/hardware/history';
import type { Logger } from '../../common/logger';

export interface TelemetrySource {
  start(): void;
  stop(): Promise<void>;
  status(): TelemetryStatus;
}

export interface TelemetrySourceCallbacks {
  onSamples: (samples: TelemetrySample[]) => void;
  onStatus: (status: TelemetryStatus) => void;
}

export interface TelemetryHistoryStore {
  insert(samples: TelemetrySample[]): void;
  recent(seconds: number, nowMs: number): TelemetrySample[];
  history(range: HistoryRange, nowMs: number, gpuUuid?: string): TelemetrySeries[];
  compact(nowMs: number): void;
}

export interface TelemetryServiceDeps {
  /** Makes the nvidia-smi sampler; called when telemetry starts, never per sample. */
  createSource: (callbacks: TelemetrySourceCallbacks) => TelemetrySource;
  store: TelemetryHistoryStore;
  events: EventBus<ApiEventMap>;
  /** Scope 'telemetry' in the app's log. */
  logger: Logger;
  nowMs: () => number;
  compactEveryMs?: number;
}

/**
 * Wires the sampler to its consumers: every batch is stored in telemetry.db and
 * published as a `telemetry:samples` event; downsampling runs on a slow timer. It
 * decides whether sampling runs at all (an NVIDIA GPU present, telemetry on in Settings).
 */
export class TelemetryService {
  private source: TelemetrySource | null = null;
  private compactTimer: NodeJS.Timeout | null = null;
  private lastStatus: TelemetryStatus = {
    state: 'stopped',
    message: 'Telemetry has not started yet.',
    spawns: 0,
    lastSampleAtMs: null,
  };
  private spawnsBefore = 0;

  constructor(private readonly deps: TelemetryServiceDeps) {}

  /** Starts or stops sampling to match the hardware and the user's setting. */
  async apply(options: { enabled: boolean; hasNvidiaGpu: boolean }): Promise<void> {
    if (!options.hasNvidiaGpu) {
      await this.stopSource();
      return this.publishStatus({
        state: 'unavailable',
        message: 'No NVIDIA GPU detected: live telemetry reads nvidia-smi. See Home for what detection found.',
      });
    }
    if (!options.enabled) {
      await this.stopSource();
      return this.publishStatus({ state: 'stopped', message: 'Telemetry is off. Turn it on in Settings.' });
    }
    if (this.source) return;
    this.source = this.deps.createSource({
      onSamples: (samples) => this.onSamples(samples),
      onStatus: (status) => this.publishStatus(status),
    });
    this.source.start();
    this.compactTimer = setInterval(() => this.compact(), this.deps.compactEveryMs ?? 60_000);
    this.compactTimer.unref();
  }

  status(): TelemetryStatus {
    return this.lastStatus;
  }

  recent(seconds: number): TelemetrySample[] {
    return this.deps.store.recent(seconds, this.deps.nowMs());
  }

  history(range: HistoryRange, gpuUuid?: string): TelemetrySeries[] {
    return this.deps.store.history(range, this.deps.nowMs(), gpuUuid);
  }

  async stop(): Promise<void> {
    await this.stopSource();
    this.compact();
  }

  private onSamples(samples: TelemetrySample[]): void {
    if (samples.length === 0) return;
    this.deps.store.insert(samples);
    this.lastStatus = { ...this.lastStatus, lastSampleAtMs: samples[0]!.tMs };
    this.deps.events.emit('telemetry:samples', samples);
  }

  private compact(): void {
    try {
      this.deps.store.compact(this.deps.nowMs());
    } catch (error) {
      this.deps.logger.error({ err: error }, 'downsampling failed; raw samples are kept');
    }
  }

  private async stopSource(): Promise<void> {
    if (this.compactTimer) clearInterval(this.compactTimer);
    this.compactTimer = null;
    const source = this.source;
    this.source = null;
    if (source) {
      this.spawnsBefore += source.status().spawns;
      await source.stop();
    }
  }

  private publishStatus(status: Partial<TelemetryStatus> & Pick<TelemetryStatus, 'state' | 'message'>): void {
    const spawns = this.spawnsBefore + (status.spawns ?? this.source?.status().spawns ?? 0);
    this.lastStatus = {
      state: status.state,
      message: status.message,
      spawns,
      lastSampleAtMs: status.lastSampleAtMs ?? this.lastStatus.lastSampleAtMs,
    };
    this.deps.events.emit('telemetry:status', this.lastStatus);
  }
}
