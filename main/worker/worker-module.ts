import type Database from 'better-sqlite3';
import type { workerCalls } from '../../common/api/worker';
import { DisposableStore } from '../../common/lifecycle';
import type { Logger } from '../../common/logger';
import type { Module } from '../app/module';
import type { HardwareService } from '../hardware/hardware-service';
import { containerGpuDevices } from '../hardware/vendors';
import type { GpuVendorDriver } from '../hardware/vendors/gpu-vendor';
import type { DomainHandlers } from '../transport/api-handlers';
import type { LeaseValidity } from './lease-validity';
import { workerHandlers } from './worker-handlers';
import { WorkerService } from './worker-service';

export interface WorkerModuleDeps {
  db: Database.Database;
  hardware: HardwareService;
  gpuVendors: readonly GpuVendorDriver[];
  /** Scope 'worker' in the app's log. */
  logger: Logger;
  nowMs: () => number;
  /** After a crash, a lease's container is kept only while this says the lease is paid for. */
  leaseValidity: LeaseValidity;
  /** The hub's clock minus this machine's (null: not measured): the doctor's clock check. */
  clockOffsetMs?: () => number | null;
  /** The owner's lend terms allow root jobs (Settings → Lend). */
  allowRootJobs?: () => boolean;
  /** Registries on loopback or private addresses the owner allowed (Settings). */
  allowedRegistries?: () => readonly string[];
}

export interface WorkerModule extends Module {
  readonly worker: WorkerService;
  readonly handlers: DomainHandlers<typeof workerCalls>;
}

/** Renters' jobs in Docker, for the composition root. */
export function createWorkerModule(deps: WorkerModuleDeps): WorkerModule {
  const disposables = new DisposableStore({ name: 'worker' });
  const gpus = () => deps.hardware.gpus();
  // The worker hands a job the GPUs of the last detection, each as its vendor's driver says.
  const worker = new WorkerService({
    db: deps.db,
    logger: deps.logger,
    nowMs: deps.nowMs,
    gpuUuids: () => gpus().filter((gpu) => gpu.lendable).map((gpu) => gpu.uuid),
    gpuDevices: (uuids) => containerGpuDevices(deps.gpuVendors, gpus(), uuids),
    leaseValidity: deps.leaseValidity,
    ...(deps.clockOffsetMs ? { clockOffsetMs: deps.clockOffsetMs } : {}),
    ...(deps.allowRootJobs ? { allowRootJobs: deps.allowRootJobs } : {}),
    ...(deps.allowedRegistries ? { allowedRegistries: deps.allowedRegistries } : {}),
  });
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
