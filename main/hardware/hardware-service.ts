import type { EventBus } from '../../common/event-bus';
import type { ApiEventMap } from '../../common/api/contract';
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

  constructor(
    private readonly detector: HardwareDetection,
    private readonly events: EventBus<ApiEventMap>,
  ) {}

  async snapshot(): Promise<HardwareSnapshot> {
    return this.current ?? this.detect();
  }

  /** Single-flight: callers during a detection share its result. */
  detect(): Promise<HardwareSnapshot> {
    this.running ??= this.detector
      .detect()
      .then((snapshot) => {
        this.current = snapshot;
        this.events.emit('hardware:snapshot', snapshot);
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
