import { Emitter } from '../../common/event';
import type { Event } from '../../common/event';
import { MutableDisposable, disposableInterval } from '../../common/lifecycle';
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
  /** Makes the vendors' samplers for the detected GPUs; called when telemetry starts, never per sample. */
  createSource: (callbacks: TelemetrySourceCallbacks) => TelemetrySource;
  store: TelemetryHistoryStore;
  /** Scope 'telemetry' in the app's log. */
  logger: Logger;
  nowMs: () => number;
  compactEveryMs?: number;
}

/**
 * Wires the sampler to its consumers: every batch is stored in telemetry.db and
 * announced on `onSamples` (the UI's `telemetry:samples`); downsampling runs on a slow timer. It
 * decides whether sampling runs at all (a GPU with live telemetry present, telemetry on in Settings).
 */
export class TelemetryService {
  private source: TelemetrySource | null = null;
  private readonly compactTimer = new MutableDisposable();
  private readonly samples = new Emitter<TelemetrySample[]>();
  private readonly statusChanged = new Emitter<TelemetryStatus>();
  /** Each stored batch of samples. */
  readonly onSamples: Event<TelemetrySample[]> = this.samples.event;
  readonly onDidChangeStatus: Event<TelemetryStatus> = this.statusChanged.event;
  private lastStatus: TelemetryStatus = {
    state: 'stopped',
    message: 'Telemetry has not started yet.',
    spawns: 0,
    lastSampleAtMs: null,
  };
  private spawnsBefore = 0;

  constructor(private readonly deps: TelemetryServiceDeps) {}

  /** Starts or stops sampling to match the hardware and the user's setting. */
  async apply(options: { enabled: boolean; hasTelemetryGpu: boolean }): Promise<void> {
    if (!options.hasTelemetryGpu) {
      await this.stopSource();
      return this.publishStatus({
        state: 'unavailable',
        message: 'No NVIDIA or AMD GPU detected: live telemetry reads nvidia-smi or rocm-smi. See Home for what detection found.',
      });
    }
    if (!options.enabled) {
      await this.stopSource();
      return this.publishStatus({ state: 'stopped', message: 'Telemetry is off. Turn it on in Settings.' });
    }
    if (this.source) return;
    this.source = this.deps.createSource({
      onSamples: (samples) => this.receive(samples),
      onStatus: (status) => this.publishStatus(status),
    });
    this.source.start();
    this.compactTimer.value = disposableInterval(() => this.compact(), this.deps.compactEveryMs ?? 60_000);
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

  private receive(samples: TelemetrySample[]): void {
    if (samples.length === 0) return;
    this.deps.store.insert(samples);
    this.lastStatus = { ...this.lastStatus, lastSampleAtMs: samples[0]!.tMs };
    this.samples.fire(samples);
  }

  private compact(): void {
    try {
      this.deps.store.compact(this.deps.nowMs());
    } catch (error) {
      this.deps.logger.error({ err: error }, 'downsampling failed; raw samples are kept');
    }
  }

  private async stopSource(): Promise<void> {
    void this.compactTimer.clear();
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
    this.statusChanged.fire(this.lastStatus);
  }
}
