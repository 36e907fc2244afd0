import { join } from 'node:path';
import { EventBus } from '../../common/event-bus';
import type { ApiEventMap } from '../../common/api/contract';
import type { AppInfo } from '../../common/api/app';
import { DisposableStore } from '../../common/lifecycle';
import { openLedgerDb } from '../ledger/ledger-db';
import { TelemetryStore } from '../ledger/telemetry-store';
import { SettingsStore } from '../settings/settings-store';
import { createHardwareModule } from '../hardware/hardware-module';
import type { HardwareModule } from '../hardware/hardware-module';
import type { ApiHandlers } from '../transport/api-handlers';
import { createWalletModule } from '../wallet/wallet-module';
import type { WalletModule } from '../wallet/wallet-module';
import type { KeyProtection } from '../wallet/key-protection';
import type { ConfirmationPrompt } from '../wallet/confirmation-prompt';
import type { SettingsPatch } from '../../common/settings';
import type { WorkerService } from '../worker/worker-service';
import { createWorkerModule } from '../worker/worker-module';
import type { MarketHub } from '../market/market-hub';
import { secureDataDir } from './data-dir-modes';
import { createMarketModule } from '../market/market-module';
import { createSupplierModule } from '../market/supplier/supplier-module';
import type { SupplierModule } from '../market/supplier/supplier-module';
import { SupplierLeaseValidity } from '../market/supplier/supplier-lease-validity';
import { HubTime } from '../market/hub-time';
import { createRenterModule } from '../market/renter/renter-module';
import { createAccessModule } from '../market/renter/access/access-module';
import type { AccessModule } from '../market/renter/access/access-module';
import type { RenterModule, RenterModuleDeps } from '../market/renter/renter-module';
import type { HubTiming } from '../market/embedded-hub';
import type { Module } from './module';
import { forwardUiEvents } from './ui-events';
import type { Logger } from '../../common/logger';
import { setUnexpectedErrorHandler } from '../../common/errors';
import { createFileLogger } from '../logging/file-logger';
import type { FileLoggerOptions } from '../logging/file-logger';
import { buildDiagnostics } from './diagnostics';
import { EGRESS_CONSENT_TEXT, startsSellingEgress } from '../../common/market/lend-types';

export interface AppServicesOptions {
  shell: AppInfo['shell'];
  dataDir: string;
  version: string;
  nowMs?: () => number;
  /** How wallet keys are sealed: desktop passes the OS keychain; default is a passphrase (headless). */
  keyProtection?: KeyProtection;
  /** Desktop: the main process's confirmation dialog (the only way to approve there). */
  confirmationPrompt?: ConfirmationPrompt;
  /** Tests: shorter increments and heartbeats for the embedded Sandbox hub. */
  embeddedHubTiming?: Partial<HubTiming>;
  /** Tests: how often the supplier session checks paid-through times and meters energy. */
  supplierTickMs?: number;
  /** Tests: the renter's auto-pay tick, and a hook where a crash between paying and telling the hub is simulated. */
  renter?: Pick<RenterModuleDeps, 'autoPayTickMs' | 'afterPaymentSent' | 'afterPaymentSigned'>;
  /** Tests: smaller log files (5 files of 5 MB by default). */
  log?: Pick<FileLoggerOptions, 'maxFileBytes' | 'maxFiles' | 'level'>;
}

export interface AppServices {
  /** The app's logger (JSON lines under <dataDir>/logs); entries scope it for their transports. */
  readonly logger: Logger;
  /** The UI events, for the transports: services' typed events get their UI names here. */
  readonly events: EventBus<ApiEventMap>;
  readonly handlers: ApiHandlers;
  readonly settings: SettingsStore;
  readonly hardware: HardwareModule;
  readonly wallet: WalletModule;
  /** Runs renters' jobs in Docker (the market's supplier session submits and stops them). */
  readonly worker: WorkerService;
  /** The hub the market talks to (embedded on Sandbox, a private grid's otherwise). */
  readonly hub: MarketHub;
  readonly supplier: SupplierModule;
  readonly renter: RenterModule;
  /** The renter reaching its nodes: terminals (issue 12). */
  readonly access: AccessModule;
  /** Starts the modules in order (wallet and network, hardware, worker, market); the UI can connect before this finishes. */
  start(): Promise<void>;
  /** Disposes the modules in reverse order, then closes the databases; safe to call twice. */
  stop(): Promise<void>;
}

/**
 * The composition root shared by the desktop and headless entries: it opens the
 * databases in the data dir and builds every service with its dependencies. Nothing
 * else constructs services, so a test can build the same graph on a temp dir.
 */
/**
 * `IDLEGRID_ALLOWED_REGISTRIES` (comma-separated `host:port` or `host:*`): registries on
 * private addresses the owner allows from the environment, for headless servers set up by
 * script and for tests; the same as listing them in Settings.
 */
function registriesFromEnv(): string[] {
  return (process.env.IDLEGRID_ALLOWED_REGISTRIES ?? '')
    .split(',')
    .map((r) => r.trim())
    .filter((r) => r.length > 0);
}

export function createAppServices(options: AppServicesOptions): AppServices {
  const nowMs = options.nowMs ?? Date.now;
  // Private before anything in it is opened; refused (with what to do) when another user owns part of it.
  const repairedModes = secureDataDir(options.dataDir);
  // Disposed in reverse: the UI forwarding first, then the modules from last to first, the databases last.
  const disposables = new DisposableStore({ name: 'app' });
  const logFile = createFileLogger({ dataDir: options.dataDir, ...options.log });
  const logger = logFile.logger;
  if (repairedModes.length > 0) logger.warn({ paths: repairedModes.slice(0, 50), count: repairedModes.length }, 'made the data dir private again (0700 directories, 0600 files)');
  // Disposed last of all, so the modules' last words reach the file.
  disposables.defer(() => {
    logger.info('stopped');
    logFile.close();
  });
  // Listener failures and late additions to disposed stores (common/ has no logger) go to the log too.
  disposables.defer(setUnexpectedErrorHandler((what, error) => logger.error({ err: error }, what)));
  const events = new EventBus<ApiEventMap>((event, error) => logger.error({ err: error, event }, 'an event listener threw'));
  const ledgerDb = openLedgerDb(join(options.dataDir, 'ledger.db'));
  disposables.defer(() => ledgerDb.close());
  const telemetryStore = TelemetryStore.open(join(options.dataDir, 'telemetry.db'));
  disposables.defer(() => telemetryStore.close());
  const settings = new SettingsStore(ledgerDb, nowMs);

  // Built in the order they start: the network first (on Sandbox it starts the embedded
  // chain on a loopback port), then hardware, the worker (reconciles what a previous run
  // left in Docker), and the market last (the hub needs the chain, the supplier the worker
  // and the GPUs). The wallet polls balances only while a UI listens for them.
  const balancesWatched = () => events.listenerCount('wallet:balances') > 0;
  const wallet = createWalletModule({ dataDir: options.dataDir, ledgerDb, settings, balancesWatched, logger: logger.child({ scope: 'wallet' }), keyProtection: options.keyProtection, ...(options.confirmationPrompt ? { confirmationPrompt: options.confirmationPrompt } : {}), nowMs });
  const hardware = createHardwareModule({ settings, telemetryStore, logger: logger.child({ scope: 'hardware' }), nowMs });
  // The hub's clock as the supplier's socket measures it: lease deadlines, the doctor's clock check.
  const hubTime = new HubTime(nowMs);
  const workerModule = createWorkerModule({
    db: ledgerDb,
    hardware: hardware.hardware,
    gpuVendors: hardware.gpuVendors,
    logger: logger.child({ scope: 'worker' }),
    nowMs,
    leaseValidity: new SupplierLeaseValidity(ledgerDb, hubTime),
    clockOffsetMs: () => hubTime.offset(),
    allowRootJobs: () => settings.get().lendTerms.allowRootJobs === true,
    allowedRegistries: () => [...settings.get().allowedRegistries, ...registriesFromEnv()],
  });
  const worker = workerModule.worker;
  const market = createMarketModule({ dataDir: options.dataDir, settings, wallet, logger: logger.child({ scope: 'market' }), ...(options.embeddedHubTiming ? { embeddedTiming: options.embeddedHubTiming } : {}) });
  const hub = market.hub;
  const renter = createRenterModule({ ledgerDb, settings, hub, wallet, logger: logger.child({ scope: 'rent' }), nowMs, ...options.renter });
  const access = createAccessModule({ hub, wallet, logger: logger.child({ scope: 'access' }), nowMs, onDidChangeLease: renter.onDidChangeLease });
  const supplier = createSupplierModule({
    dataDir: options.dataDir,
    ledgerDb,
    settings,
    hub,
    wallet,
    worker,
    hardware: hardware.hardware,
    telemetry: hardware.telemetry,
    telemetryStore,
    logger: logger.child({ scope: 'supplier' }),
    nowMs,
    hubTime,
    ...(options.supplierTickMs !== undefined ? { tickMs: options.supplierTickMs } : {}),
  });
  const modules: Module[] = [wallet, hardware, workerModule, market, renter, access, supplier];
  for (const module of modules) disposables.add(module);
  disposables.add(forwardUiEvents({ settings, hardware: hardware.hardware, telemetry: hardware.telemetry, wallet, worker, hub, supplier, renter, access }, events));

  const info: AppInfo = {
    version: options.version,
    shell: options.shell,
    dataDir: options.dataDir,
    platform: process.platform,
  };

  /** Settings that widen what may be spent without asking, or where money goes, need the owner (issue 14.2). */
  const consentToSettings = async (patch: SettingsPatch): Promise<void> => {
    const now = settings.get();
    // Accepting a hub's certificate decides who the app trusts with its sessions: the owner's too.
    if (patch.pinnedHubCertificates !== undefined && JSON.stringify(patch.pinnedHubCertificates) !== JSON.stringify(now.pinnedHubCertificates)) {
      await wallet.consent('network', `Trust hub certificates: ${Object.entries(patch.pinnedHubCertificates).filter(([o, f]) => now.pinnedHubCertificates[o] !== f).map(([o, f]) => `${o} (SHA-256 ${f})`).join(', ') || 'remove accepted certificates'}`);
    }
    if ((['network', 'customRpcUrl', 'customUsdcMint', 'hubUrl'] as const).some((k) => patch[k] !== undefined && patch[k] !== now[k])) {
      await wallet.consent('network', `Change the network settings (${Object.keys(patch).join(', ')})`);
    }
    // What a renter's job may do here is the owner's too (issue 14, item 5): root jobs, and
    // registries on this machine's own network.
    const newRegistries = (patch.allowedRegistries ?? []).filter((r) => !now.allowedRegistries.includes(r));
    // Selling egress lets strangers' traffic leave through the owner's internet connection.
    const startsEgress = patch.lendTerms !== undefined && startsSellingEgress(patch.lendTerms, now.lendTerms);
    if ((patch.lendTerms?.allowRootJobs === true && now.lendTerms.allowRootJobs !== true) || newRegistries.length > 0 || startsEgress) {
      await wallet.consent('network', `Let renters' jobs ${[patch.lendTerms?.allowRootJobs === true && now.lendTerms.allowRootJobs !== true ? 'run as root' : null, newRegistries.length > 0 ? `pull images from ${newRegistries.join(', ')} on your network` : null, startsEgress ? EGRESS_CONSENT_TEXT : null].filter(Boolean).join(' and ')}`);
    }
    const raises = (k: 'autoPayCeiling' | 'autoPayDailyCap') => patch[k] !== undefined && BigInt(patch[k]) > BigInt(now[k]);
    if ((patch.autoPayEnabled === true && !now.autoPayEnabled) || raises('autoPayCeiling') || raises('autoPayDailyCap')) {
      await wallet.consent('auto-pay', `Let auto-pay spend more without asking: ${(['autoPayEnabled', 'autoPayCeiling', 'autoPayDailyCap'] as const).filter((k) => patch[k] !== undefined).map((k) => `${k} → ${String(patch[k])}`).join(', ')}`);
    }
  };

  const handlers: ApiHandlers = {
    'app:info': () => info,
    'settings:get': () => settings.get(),
    'app:export-diagnostics': () =>
      buildDiagnostics({
        info,
        logFiles: () => logFile.files(),
        hardware: () => hardware.hardware.snapshot(),
        doctor: () => worker.lastDoctorReport(),
        walletAddresses: () => wallet.vault.state().wallets.map((w) => w.address),
        state: () => ({ wallets: wallet.vault.state(), network: wallet.network.info(), market: hub.status(), engine: worker.engineStatus(), settings: settings.get() }),
        nowMs,
      }),
    'settings:update': async (patch) => {
      await consentToSettings(patch);
      const next = settings.update(patch);
      await hardware.applyTelemetry(next);
      return next;
    },
    ...hardware.handlers,
    ...wallet.handlers,
    ...workerModule.handlers,
    ...market.handlers,
    ...supplier.handlers,
    ...renter.handlers,
    ...access.handlers,
  };

  return {
    logger,
    events,
    handlers,
    settings,
    hardware,
    wallet,
    worker,
    hub,
    supplier,
    renter,
    access,
    async start() {
      logger.info({ version: options.version, shell: options.shell, platform: process.platform, node: process.versions.node }, 'starting');
      for (const module of modules) {
        // Stopped while starting (a signal during start-up): the rest never starts.
        if (disposables.isDisposed) return;
        await module.start();
      }
    },
    stop: () => disposables.dispose(),
  };
}
