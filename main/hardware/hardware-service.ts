import { Emitter } from '../../common/event';
import type { Event } from '../../common/event';
import type { HardwareSnapshot } from '../../common/hardware/detection';
import type { Gpu } from '../../common/hardware/gpu';

export interface HardwareDetection {
  detect(): Promise<HardwareSnapshot>;
}

/**
 * Holds the last hardware detection. Detection runs at start and when the user asks;
 * everything else reads the snapshot, so no view ever waits on nvidia-smi.
 */
export class HardwareService {
  private current: HardwareSnapshot | null = null;
  private running: Promise<HardwareSnapshot> | null = null;
  private readonly detected = new Emitter<HardwareSnapshot>();
  /** Every finished detection (the UI's `hardware:snapshot`). */
  readonly onDidDetect: Event<HardwareSnapshot> = this.detected.event;

  constructor(private readonly detector: HardwareDetection) {}

  async snapshot(): Promise<HardwareSnapshot> {
    return this.current ?? this.detect();
  }

  /** Single-flight: callers during a detection share its result. */
  detect(): Promise<HardwareSnapshot> {
    this.running ??= this.detector
      .detect()
      .then((snapshot) => {
        this.current = snapshot;
        this.detected.fire(snapshot);
        return snapshot;
      })
      .finally(() => {
        this.running = null;
      });
    return this.running;
  }

  /** The GPUs of the last detection; none before the first. */
  gpus(): readonly Gpu[] {
    return this.current?.gpus ?? [];
  }
}
