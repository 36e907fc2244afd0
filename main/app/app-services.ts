import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { EventBus } from '../../common/event-bus';
import type { ApiEventMap } from '../../common/api/contract';
import type { AppInfo } from '../../common/api/app';
import type { Settings } from '../../common/settings';
import { openLedgerDb } from '../ledger/ledger-db';
import { TelemetryStore } from '../ledger/telemetry-store';
import { SettingsStore } from '../settings/settings-store';
import { ExecFileRunner } from '../hardware/command-runner';
import { HardwareDetector } from '../hardware/hardware-detector';
import { readHostInfo } from '../hardware/host-info';
import { HardwareService } from '../hardware/hardware-service';
import { TelemetrySampler } from '../hardware/telemetry-sampler';
import { TelemetryService } from '../hardware/telemetry-service';
import { hardwareHandlers } from '../hardware/hardware-handlers';
import type { ApiHandlers } from '../transport/api-handlers';
import { createWalletModule } from '../wallet/wallet-module';
import type { WalletModule } from '../wallet/wallet-module';
import type { KeyProtection } from '../wallet/key-protection';
import { WorkerService } from '../worker/worker-service';
import { workerHandlers } from '../worker/worker-handlers';
import { MarketHub } from '../market/market-hub';
import { marketHandlers } from '../market/explorer/explorer-handlers';
import { createSupplierModule } from '../market/supplier/supplier-module';
import type { SupplierModule } from '../market/supplier/supplier-module';
import { SupplierLeaseValidity } from '../market/supplier/supplier-lease-validity';
import { createRenterModule } from '../market/renter/renter-module';
import type { RenterModule, RenterModuleOptions } from '../market/renter/renter-module';
import type { HubTiming } from '../market/embedded-hub';
import type { Logger } from '../../common/logger';
import { createFileLogger } from '../logging/file-logger';
import type { FileLoggerOptions } from '../logging/file-logger';
import { buildDiagnostics } from './diagnostics';

export interface AppServicesOptions {
  shell: AppInfo['shell'];
  dataDir: string;
  version: string;
  nowMs?: () => number;
  /** How wallet keys are sealed: desktop passes the OS keychain; default is a passphrase (headless). */
  keyProtection?: KeyProtection;
  /** Tests: shorter increments and heartbeats for the embedded Sandbox hub. */
  embeddedHubTiming?: Partial<HubTiming>;
  /** Tests: how often the supplier session checks paid-through times and meters energy. */
  supplierTickMs?: number;
  /** Tests: the renter's auto-pay tick, and a hook where a crash between paying and telling the hub is simulated. */
  renter?: Pick<RenterModuleOptions, 'autoPayTickMs' | 'afterPaymentSent'>;
  /** Tests: smaller log files (5 files of 5 MB by default). */
  log?: Pick<FileLoggerOptions, 'maxFileBytes' | 'maxFiles' | 'level'>;
}

export interface AppServices {
  /** The app's logger (JSON lines under <dataDir>/logs); entries scope it for their transports. */
  readonly logger: Logger;
  readonly events: EventBus<ApiEventMap>;
  readonly handlers: ApiHandlers;
  readonly settings: SettingsStore;
  readonly wallet: WalletModule;
  /** Runs renters' jobs in Docker (the market's supplier session submits and stops them). */
  readonly worker: WorkerService;
  /** The hub the market talks to (embedded on Sandbox, a private grid's otherwise). */
  readonly hub: MarketHub;
  readonly supplier: SupplierModule;
  readonly renter: RenterModule;
  /** Detects hardware and starts telemetry; the UI can connect before this finishes. */
  start(): Promise<void>;
  /** Stops children and timers and closes the databases; safe to call twice. */
  stop(): Promise<void>;
}

/**
 * The composition root shared by the desktop and headless entries: it opens the
 * databases in the data dir and builds every service with its dependencies. Nothing
 * else constructs services, so a test can build the same graph on a temp dir.
 */
export function createAppServices(options: AppServicesOptions): AppServices {
  const nowMs = options.nowMs ?? Date.now;
  mkdirSync(options.dataDir, { recursive: true });
  const logFile = createFileLogger({ dataDir: options.dataDir, ...options.log });
  const logger = logFile.logger;
  const events = new EventBus<ApiEventMap>((event, error) => logger.error({ err: error, event }, 'an event listener threw'));
  const ledgerDb: Database.Database = openLedgerDb(join(options.dataDir, 'ledger.db'));
  const telemetryStore = TelemetryStore.open(join(options.dataDir, 'telemetry.db'));
  const settings = new SettingsStore(ledgerDb, nowMs);
  const wallet = createWalletModule({ dataDir: options.dataDir, ledgerDb, settings, events, logger: logger.child({ scope: 'wallet' }), keyProtection: options.keyProtection, nowMs });

  const hardware = new HardwareService(
    new HardwareDetector({ runner: new ExecFileRunner(), readHostInfo, nowMs }),
    events,
  );
  const telemetry = new TelemetryService({
    createSource: (callbacks) => new TelemetrySampler({ nowMs, logger: logger.child({ scope: 'telemetry' }), ...callbacks }),
    store: telemetryStore,
    events,
    logger: logger.child({ scope: 'telemetry' }),
    nowMs,
  });

  // The worker leases NVIDIA GPUs by UUID; it learns them from each detection.
  let nvidiaGpuUuids: string[] = [];
  events.on('hardware:snapshot', (snapshot) => {
    nvidiaGpuUuids = snapshot.gpus.filter((gpu) => gpu.vendor === 'nvidia').map((gpu) => gpu.uuid);
  });
  // After a crash, a lease's container is kept only while this machine's verified payments cover it.
  const worker = new WorkerService({ db: ledgerDb, events, logger: logger.child({ scope: 'worker' }), nowMs, nvidiaGpuUuids: () => nvidiaGpuUuids, leaseValidity: new SupplierLeaseValidity(ledgerDb) });

  const hub = new MarketHub({ dataDir: options.dataDir, settings, events, wallet, logger: logger.child({ scope: 'market' }), ...(options.embeddedHubTiming ? { embeddedTiming: options.embeddedHubTiming } : {}) });
  const supplier = createSupplierModule({
    dataDir: options.dataDir,
    ledgerDb,
    settings,
    events,
    hub,
    wallet,
    worker,
    hardware,
    telemetry,
    telemetryStore,
    logger: logger.child({ scope: 'supplier' }),
    nowMs,
    ...(options.supplierTickMs !== undefined ? { tickMs: options.supplierTickMs } : {}),
  });
  const renter = createRenterModule({ ledgerDb, settings, events, hub, wallet, logger: logger.child({ scope: 'rent' }), nowMs, ...options.renter });

  const applyTelemetry = (s: Settings) =>
    telemetry.apply({ enabled: s.telemetryEnabled, hasNvidiaGpu: hardware.hasNvidiaGpu() });

  const info: AppInfo = {
    version: options.version,
    shell: options.shell,
    dataDir: options.dataDir,
    platform: process.platform,
  };

  const handlers: ApiHandlers = {
    'app:info': () => info,
    'settings:get': () => settings.get(),
    'app:export-diagnostics': () =>
      buildDiagnostics({
        info,
        logFiles: () => logFile.files(),
        hardware: () => hardware.snapshot(),
        doctor: () => worker.lastDoctorReport(),
        walletAddresses: () => wallet.vault.state().wallets.map((w) => w.address),
        state: () => ({ wallets: wallet.vault.state(), network: wallet.network.info(), market: hub.status(), engine: worker.engineStatus(), settings: settings.get() }),
        nowMs,
      }),
    'settings:update': async (patch) => {
      const next = settings.update(patch);
      events.emit('settings:changed', next);
      await applyTelemetry(next);
      return next;
    },
    ...hardwareHandlers(hardware, telemetry),
    ...wallet.handlers,
    ...workerHandlers(worker),
    ...marketHandlers(hub, wallet, events),
    ...supplier.handlers,
    ...renter.handlers,
  };

  let stopped = false;
  return {
    logger,
    events,
    handlers,
    settings,
    wallet,
    worker,
    hub,
    supplier,
    renter,
    async start() {
      // The network first: on Sandbox this starts the embedded chain on a loopback port.
      logger.info({ version: options.version, shell: options.shell, platform: process.platform, node: process.versions.node }, 'starting');
      await wallet.start();
      await hardware.detect();
      // Reconciles what a previous run left in Docker (adopts jobs of valid leases).
      await worker.start();
      await applyTelemetry(settings.get());
      // The market last: the hub needs the chain, the supplier session the worker and GPUs.
      await hub.start();
      await renter.start();
      await supplier.start();
      // A GPU found by "Detect again" (driver installed later) starts telemetry too.
      events.on('hardware:snapshot', () => void applyTelemetry(settings.get()));
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await supplier.stop();
      await renter.stop();
      await hub.stop();
      await telemetry.stop();
      // Lets go of Docker without stopping jobs: the next start adopts them.
      await worker.stop();
      await wallet.stop();
      telemetryStore.close();
      ledgerDb.close();
      logger.info('stopped');
      logFile.close();
    },
  };
}
