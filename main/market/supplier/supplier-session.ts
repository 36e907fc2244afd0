import { Emitter } from '../../../common/event';
import type { Event } from '../../../common/event';
import type { HubTime } from '../hub-time';
import { DisposableStore, disposableInterval } from '../../../common/lifecycle';
import type { HardwareSnapshot } from '../../../common/hardware/detection';
import type { HubToWorkerMessage } from '../../../common/hub/worker-messages';
import type { LendNotice, LendTerms, SupplierStatus } from '../../../common/market/lend-types';
import type { Settings } from '../../../common/settings';
import type { WorkerClient } from '../../../hub-client/worker-client';
import type { HardwareService } from '../../hardware/hardware-service';
import type { TelemetryService } from '../../hardware/telemetry-service';
import type { SettingsStore } from '../../settings/settings-store';
import type { WalletModule } from '../../wallet/wallet-module';
import type { WorkerService } from '../../worker/worker-service';
import type { MarketHub } from '../market-hub';
import type { EarningsStore } from './earnings-store';
import { LeaseRefunds } from './lease-refunds';
import type { RefundStore } from './refund-store';
import type { EnergyMeter } from './energy-meter';
import { localDayStartMs } from './earnings-report';
import { LeaseMeter } from './lease-meter';
import { LeaseWorkQueue } from './lease-work-queue';
import { sharedGpus } from './offer-plan';
import { PaymentIntake } from './payment-intake';
import { SupplierHubLink } from './supplier-hub-link';
import { SupplierLeaseLifecycle } from './supplier-lease-lifecycle';
import type { SupplierLeaseStore } from './supplier-lease-store';
import { supplierStatus } from './supplier-status';
import { ThermalController } from './thermal-controller';
import { SupplierAccess } from './access/supplier-access';
import type { Logger } from '../../../common/logger';

/** How often refunds owed or in flight are tried again. */
const REFUND_SETTLE_MS = 10_000;

export interface SupplierSessionDeps {
  leases: SupplierLeaseStore;
  earnings: EarningsStore;
  refunds: RefundStore;
  meter: EnergyMeter;
  settings: SettingsStore;
  hub: MarketHub;
  wallet: WalletModule;
  worker: WorkerService;
  hardware: HardwareService;
  /** Its samples drive the thermal guard. */
  telemetry: TelemetryService;
  nowMs: () => number;
  /** The hub's clock (measured by the worker socket): paid-through deadlines are in it. */
  hubTime: HubTime;
  /** How often paid-through deadlines and metering are checked (1 s by default). */
  tickMs?: number;
  /** Scope 'supplier' in the app's log. */
  logger: Logger;
}

/**
 * This machine as a supplier: while sharing is on it keeps a worker session with the hub
 * (following a change of hub), publishes one offer per GPU model of the shared GPUs, and
 * runs the leases the hub places here — each payment verified on chain by this machine
 * before the job starts or continues, an earnings row per verified payment, the job's
 * state and logs relayed to the renter, the job stopped when the lease ends or the
 * verified payments run out, and paused while its GPUs are too hot.
 *
 * It composes one part per job — the hub link, the lease lifecycle, the payment intake,
 * the lease meter and the thermal controller — and routes the services' events, the hub's
 * messages and its own clock to them; the status is computed from what they know. It
 * announces `onDidChangeStatus`, `onNotice` and `onDidChangeEarnings` (the UI's
 * `lend:status`, `lend:notice` and `earnings:changed`).
 */
export class SupplierSession {
  private snapshot: HardwareSnapshot | null = null;
  private readonly queue: LeaseWorkQueue;
  private readonly meter: LeaseMeter;
  private readonly link: SupplierHubLink;
  private readonly lifecycle: SupplierLeaseLifecycle;
  private readonly payments: PaymentIntake;
  private readonly refunds: LeaseRefunds;
  private lastRefundSettleMs = 0;
  private readonly thermal: ThermalController;
  /** Renters' streams into this machine's containers (terminals). */
  readonly access: SupplierAccess;
  /** Listeners and the clock of one start, released by `stop`. */
  private running = new DisposableStore({ name: 'SupplierSession' });
  private readonly statusChanged = new Emitter<SupplierStatus>();
  private readonly notices = new Emitter<LendNotice>();
  private readonly earningsChanged = new Emitter<{ atMs: number }>();
  readonly onDidChangeStatus: Event<SupplierStatus> = this.statusChanged.event;
  readonly onNotice: Event<LendNotice> = this.notices.event;
  readonly onDidChangeEarnings: Event<{ atMs: number }> = this.earningsChanged.event;
  private lastStatusJson = '';
  private stopped = false;

  constructor(private readonly d: SupplierSessionDeps) {
    const logError = (message: string, error: unknown): void => this.logError(message, error);
    const notice = (kind: LendNotice['kind'], title: string, body: string): void => this.notice(kind, title, body);
    const publish = (): void => this.publish();
    const terms = (): LendTerms => this.terms();
    const snapshot = (): HardwareSnapshot | null => this.snapshot;
    const stopped = (): boolean => this.stopped;
    const { leases, earnings, settings, wallet, worker, nowMs } = d;
    const earningsChanged = (): void => this.earningsChanged.fire({ atMs: nowMs() });
    this.queue = new LeaseWorkQueue(logError);
    this.meter = new LeaseMeter({ leases, earnings, energy: d.meter, earningsChanged, nowMs });
    this.link = new SupplierHubLink({
      leases,
      settings,
      hub: d.hub,
      wallet,
      worker,
      snapshot,
      stopped,
      updateSettings: (patch) => this.updateSettings(patch),
      onMessage: (message) => this.onHubMessage(message),
      publish,
      logError,
      nowMs,
      hubTime: d.hubTime,
    });
    const common = { leases, worker, link: this.link, meter: this.meter, queue: this.queue, terms, notice, publish, nowMs, logError };
    this.refunds = new LeaseRefunds({
      refunds: d.refunds,
      earnings,
      leases,
      wallet,
      nowMs,
      notice,
      earningsChanged,
      reported: (refund) => this.link.worker?.reportRefund(refund.leaseId, refund.increment, refund.signature ?? '', refund.amount.toString(10)),
      logError,
    });
    this.lifecycle = new SupplierLeaseLifecycle({
      ...common,
      settings,
      refundUnused: (leaseId, servedUntilMs, reason) => this.refunds.refundUnused(leaseId, servedUntilMs, reason),
      snapshot,
      onPaid: (leaseId, payment) => this.payments.onPaid(leaseId, payment),
      sync: () => this.sync(),
    });
    const hubId = (): string | null => this.d.hub.status().info?.hubId ?? null;
    // A payment booked after this machine ended the lease: the renter gets back what was not served.
    const onBookedAfterEnd = async (leaseId: string): Promise<void> => {
      const ended = leases.get(leaseId);
      await this.refunds.refundUnused(leaseId, ended?.endedAtMs ?? nowMs(), 'The payment arrived after this machine had ended the lease.');
    };
    this.payments = new PaymentIntake({ leases, earnings, wallet, earningsChanged, link: this.link, lifecycle: this.lifecycle, terms, stopped, notice, publish, nowMs, hubId, onBookedAfterEnd });
    this.thermal = new ThermalController(common);
    this.access = new SupplierAccess({
      leases,
      engine: worker.engine,
      containerOf: (jobId) => {
        try {
          return worker.job(jobId).containerId;
        } catch {
          return null;
        }
      },
      nowMs: () => d.hubTime.nowMs() ?? nowMs(),
      logger: d.logger,
    });
  }


  async start(): Promise<void> {
    this.stopped = false;
    this.snapshot = await this.d.hardware.snapshot().catch(() => null);
    const store = (this.running = new DisposableStore({ name: 'SupplierSession' }));
    this.d.hub.onDidChangeStatus(() => void this.sync(), store);
    this.d.hardware.onDidDetect((s) => {
      this.snapshot = s;
      void this.sync();
    }, store);
    this.d.worker.onDidChangeEngine(() => void this.sync(), store);
    this.d.wallet.onDidChangeWallet(() => void this.sync(), store);
    this.d.worker.onDidChangeJob((job) => this.lifecycle.onJobChanged(job), store);
    this.d.worker.onJobLog((batch) => this.lifecycle.onJobLog(batch), store);
    this.d.telemetry.onSamples((samples) => this.thermal.onSamples(samples), store);
    disposableInterval(() => this.tick(), this.d.tickMs ?? 1_000, store);
    // Refunds owed or in flight when the app stopped (a crash included) are settled now.
    void this.refunds.settle();
    await this.sync();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.running.dispose();
    await this.link.idle();
    this.meter.meterAll();
    this.lifecycle.stop();
    // Jobs keep running (the next start re-adopts paid ones); only the sockets go.
    this.access.stop();
    this.link.close();
  }

  terms(): LendTerms {
    return this.d.settings.get().lendTerms;
  }

  async startSharing(): Promise<SupplierStatus> {
    const settings = this.d.settings.get();
    const patch: Partial<Settings> = { sharingEnabled: true };
    // The payout wallet is fixed when sharing starts, so switching the active wallet later does not change who the supplier is.
    const active = this.d.wallet.vault.activeAddress();
    if (!settings.lendTerms.payoutAddress && active) patch.lendTerms = { ...settings.lendTerms, payoutAddress: active };
    this.updateSettings(patch);
    await this.sync();
    return this.status();
  }

  async stopSharing(stopRunning: boolean): Promise<SupplierStatus> {
    this.updateSettings({ sharingEnabled: false });
    if (stopRunning) {
      for (const stored of this.d.leases.active()) {
        await this.lifecycle.endLease(stored.lease.leaseId, 'You stopped sharing and the running leases.', { report: { state: 'failed', cause: 'supplier' } });
      }
    }
    await this.sync();
    return this.status();
  }

  async setTerms(terms: LendTerms): Promise<LendTerms> {
    this.updateSettings({ lendTerms: terms });
    await this.sync();
    return this.terms();
  }

  status(): SupplierStatus {
    const settings = this.d.settings.get();
    const terms = settings.lendTerms;
    const shared = sharedGpus(this.snapshot, terms).map((g) => g.uuid);
    const sum = (rows: ReadonlyArray<{ amount: bigint }>): bigint => rows.reduce((total, e) => total + e.amount, 0n);
    const status = supplierStatus({
      sharingEnabled: settings.sharingEnabled,
      terms,
      sharedGpuUuids: shared,
      leases: this.d.leases.recent(20).map((stored) => ({ stored, earned: sum(this.d.earnings.forLease(stored.lease.leaseId)) })),
      problem: this.link.currentProblem,
      connected: this.link.connected,
      hubUrl: this.link.hubUrl,
      workerId: this.link.workerId,
      offers: this.link.publishedOffers,
      guard: this.thermal.state(terms.maxTemperatureC, shared),
      todayEarned: sum(this.d.earnings.since(localDayStartMs(this.d.nowMs()))),
      nowMs: this.d.nowMs(),
    });
    return { ...status, accessStreams: this.access.streams };
  }

  /** Brings the hub session and the offers in line with the settings; serialized. */
  sync(): Promise<void> {
    return this.link.sync();
  }

  /** Resolves when every lease's queued work is done (tests). */
  async idle(): Promise<void> {
    await this.link.idle();
    await this.queue.idle();
  }

  /** Announces the status when anything it shows changed. */
  publish(): void {
    const status = this.status();
    const json = JSON.stringify(status);
    if (json === this.lastStatusJson) return;
    this.lastStatusJson = json;
    this.statusChanged.fire(status);
  }

  /** The current hub connection (the integration test plays a lying hub through it). */
  private get client(): WorkerClient | null {
    return this.link.worker;
  }

  private onHubMessage(message: HubToWorkerMessage): void {
    switch (message.type) {
      case 'welcome': {
        const hubUrl = this.link.hubUrl;
        const payout = this.link.payoutAddress;
        if (hubUrl && payout) this.access.connect(hubUrl, message.workerId, () => this.d.hub.token(payout, 'worker'));
        void this.lifecycle.onWelcome(message.leases);
        void this.sync();
        break;
      }
      case 'lease.assigned':
        void this.queue.run(message.lease.leaseId, () => this.lifecycle.onAssigned(message.lease));
        break;
      case 'lease.paid':
        void this.queue.run(message.leaseId, () => this.payments.onPaid(message.leaseId, message));
        break;
      case 'lease.stop':
        this.access.leaseEnded(message.leaseId);
        void this.queue.run(message.leaseId, () => this.lifecycle.endLease(message.leaseId, message.message || `The lease ended (${message.reason}).`, {}));
        break;
      default:
        break;
    }
    this.publish();
  }

  /** The clock: unpaid leases end, running ones are metered. */
  private tick(): void {
    // Deadlines are the hub's: a clock ahead of the hub's must not cut a paid job short,
    // so without the hub's time (never connected since start) nothing is ended here.
    const nowMs = this.d.nowMs();
    const hubNowMs = this.d.hubTime.nowMs();
    if (hubNowMs !== null) this.lifecycle.endUnpaid(hubNowMs);
    this.meter.meterAll();
    // Announced payments not booked yet (a full disk, an unreachable chain) are tried again.
    this.payments.retryUnbooked((leaseId, work) => this.queue.run(leaseId, work));
    if (nowMs - this.lastRefundSettleMs >= REFUND_SETTLE_MS) {
      this.lastRefundSettleMs = nowMs;
      void this.refunds.settle();
    }
    this.publish();
  }

  /** The settings store announces the change. */
  private updateSettings(patch: Partial<Settings>): void {
    this.d.settings.update(patch);
  }

  private notice(kind: LendNotice['kind'], title: string, body: string): void {
    this.notices.fire({ kind, title, body, atMs: this.d.nowMs() });
  }

  private logError(message: string, error: unknown): void {
    this.d.logger.error({ err: error }, message);
  }
}
