import type Database from 'better-sqlite3';
import type { workerCalls } from '../../common/api/worker';
import { DisposableStore } from '../../common/lifecycle';
import type { Module } from '../app/module';
import type { HardwareService } from '../hardware/hardware-service';
import type { DomainHandlers } from '../transport/api-handlers';
import type { LeaseValidity } from './lease-validity';
import { workerHandlers } from './worker-handlers';
import { WorkerService } from './worker-service';

export interface WorkerModuleDeps {
  db: Database.Database;
  hardware: HardwareService;
  nowMs: () => number;
  /** After a crash, a lease's container is kept only while this says the lease is paid for. */
  leaseValidity: LeaseValidity;
}

export interface WorkerModule extends Module {
  readonly worker: WorkerService;
  readonly handlers: DomainHandlers<typeof workerCalls>;
}

/** Renters' jobs in Docker, for the composition root. */
export function createWorkerModule(deps: WorkerModuleDeps): WorkerModule {
  const disposables = new DisposableStore({ name: 'worker' });
  // The worker leases NVIDIA GPUs by UUID; it learns them from each detection (the first
  // one runs before the worker starts, so this listens from the start).
  let nvidiaGpuUuids: string[] = [];
  deps.hardware.onDidDetect((snapshot) => {
    nvidiaGpuUuids = snapshot.gpus.filter((gpu) => gpu.vendor === 'nvidia').map((gpu) => gpu.uuid);
  }, disposables);
  const worker = new WorkerService({ db: deps.db, nowMs: deps.nowMs, nvidiaGpuUuids: () => nvidiaGpuUuids, leaseValidity: deps.leaseValidity });
  return {
    worker,
    handlers: workerHandlers(worker),
    // Reconciles what a previous run left in Docker (adopts jobs of valid leases).
    start: () => worker.start(),
    async dispose() {
      await disposables.dispose();
      // Lets go of Docker without stopping jobs: the next start adopts them.
      await worker.stop();
    },
  };
}
