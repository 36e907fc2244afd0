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
import { workerSocketSignalling } from './worker-socket-signalling';
import type { WorkerService } from '../../worker/worker-service';
import type { MarketHub } from '../market-hub';
import type { EarningsStore } from './earnings-store';
import { LeaseRefunds } from './lease-refunds';
import { ChainPaymentRecovery } from './chain-payment-recovery';
import type { RecoveredPayment } from '../../../common/market/earnings-types';
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
import { DEFAULT_LEND_TERMS } from '../../../common/market/lend-types';
import { regionFromTimeZone } from '../../../common/market/region-default';
import { attestationDeviceOf } from '../../../common/attestation/attestation-params';
import type { NodeAttestation } from '../../worker/attestation/node-attestation';
import { startNodeAttestation } from '../../worker/attestation/node-attestation';
import type { WorkerLease } from '../../../common/hub/worker-messages';
import { LeaseAttestations } from './lease-attestations';

/** The attestation image (python3 + torch; scripts/images/torch-image.mjs builds it). */
export const ATTESTATION_IMAGE = 'idlegrid/torch:cpu';

/** How often refunds owed or in flight are tried again. */
const REFUND_SETTLE_MS = 10_000;
/** How often the data folder's disk is checked (a full one stops the offers; room again resumes them). */
const STORAGE_PROBE_MS = 5_000;

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
  /** How long a heat pause may last before the lease ends and is refunded (tests: shorter). */
  thermalPauseGraceMs?: number;
  /** Starts a reserved lease's node for its GPU check (default: the attestation container on this machine's engine). */
  startAttestation?: (lease: WorkerLease, sandbox: boolean) => Promise<NodeAttestation>;
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
  private lastStorageProbeMs = 0;
  /** Leases reported `down` to the hub while Docker is away. */
  private readonly downLeases = new Set<string>();
  private readonly thermal: ThermalController;
  private readonly attestations: LeaseAttestations;
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
    // The leases' meshes signal through this machine's worker socket, signed by the payout wallet.
    const link = this.link;
    worker.meshes.connect({
      workerId: () => link.workerId,
      supplier: () => link.supplierAddress,
      signalling: (leaseId) => workerSocketSignalling(() => link.worker, leaseId),
      signMessage: (message) => {
        const supplier = link.supplierAddress;
        if (!supplier) return Promise.reject(new Error('This machine is not signed in at the hub.'));
        return wallet.service.signMeshKey(supplier, message);
      },
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
    this.thermal = new ThermalController({
      ...common,
      endLease: (leaseId, message, servedUntilMs) => this.lifecycle.endLease(leaseId, message, { report: { state: 'failed', cause: 'supplier' }, servedUntilMs }),
      ...(d.thermalPauseGraceMs !== undefined ? { pauseGraceMs: d.thermalPauseGraceMs } : {}),
    });
    this.attestations = new LeaseAttestations({
      start: (lease) => {
        // Fake money (a sandbox chain) attests on the CPU and may answer in-process; real money on the GPUs.
        const sandbox = attestationDeviceOf(this.d.hub.status().info?.network ?? 'mainnet') === 'cpu';
        if (this.d.startAttestation) return this.d.startAttestation(lease, sandbox);
        const gpu = this.snapshot?.gpus.find((g) => g.uuid === lease.gpuUuids[0]);
        return startNodeAttestation(
          { engine: d.worker.engine, gpuDevices: d.worker.gpuDevices, logger: d.logger, image: ATTESTATION_IMAGE, sandbox },
          { leaseId: lease.leaseId, rank: lease.rank, gpuUuids: lease.gpuUuids, gpuModel: gpu?.name ?? 'unknown GPU', vramMiB: gpu?.vramTotalMiB ?? 0, gpuCount: lease.gpuUuids.length },
        );
      },
      send: (leaseId, message) => this.link.worker?.send({ type: 'lease.attest', leaseId, message }),
      changed: publish,
      notice: (title, body) => notice('attestation', title, body),
      nowMs,
      logError,
    });
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
    this.d.worker.onDidChangeEngine((engine) => {
      this.reportEngine(engine.state === 'disconnected' ? engine.message : null);
      void this.sync();
    }, store);
    // A full disk withdraws the offers; room again publishes them.
    this.d.worker.onDidChangeStorage(() => void this.sync(), store);
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
    await this.attestations.dispose();
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
    // Every machine used to say "local": a region from this machine's time zone until the owner picks one on Lend.
    if (settings.lendTerms.region === DEFAULT_LEND_TERMS.region) {
      const region = regionFromTimeZone(Intl.DateTimeFormat().resolvedOptions().timeZone, -new Date(this.d.nowMs()).getTimezoneOffset());
      patch.lendTerms = { ...(patch.lendTerms ?? settings.lendTerms), region };
    }
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
      // Gross, on the network the app is on now: Sandbox test money never adds to a grid's.
      todayEarned: sum(this.d.earnings.since(localDayStartMs(this.d.nowMs())).filter((r) => r.network === this.d.wallet.network.info().kind)),
      nowMs: this.d.nowMs(),
      attestationOf: (leaseId) => this.attestations.outcome(leaseId),
    });
    return { ...status, accessStreams: this.access.streams };
  }

  /** Brings the hub session and the offers in line with the settings; serialized. */
  sync(): Promise<void> {
    return this.link.sync();
  }

  /**
   * Books payments found on chain to the payout address, with an Idlegrid memo for a lease
   * of this machine and no earnings row (a lease.paid lost to a full disk or a crash). Each
   * goes through the payment intake in its lease's queue, so it is verified in full and
   * booked once; it never starts a job (only the hub's lease.paid does).
   */
  recoverChainPayments(): Promise<RecoveredPayment[]> {
    const recovery = new ChainPaymentRecovery({
      leases: this.d.leases,
      earnings: this.d.earnings,
      wallet: this.d.wallet,
      payout: () => this.terms().payoutAddress || this.d.wallet.vault.activeAddress() || '',
      book: (leaseId, payment) => this.queue.run(leaseId, () => this.payments.onPaid(leaseId, payment, { bookOnly: true })),
    });
    return recovery.run();
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
        const payout = this.link.supplierAddress;
        if (hubUrl && payout) this.access.connect(hubUrl, message.workerId, () => this.d.hub.token(payout, 'worker'));
        void this.lifecycle.onWelcome(message.leases).then(() => {
          // Reserved leases still waiting for their GPU check (this app restarted or reconnected): prepare again.
          for (const lease of message.leases) {
            if (lease.state === 'reserved' && this.d.leases.get(lease.leaseId)?.state !== 'ended') void this.queue.run(lease.leaseId, async () => this.attestations.prepare(lease));
          }
        });
        void this.sync();
        break;
      }
      case 'lease.assigned':
        void this.queue.run(message.lease.leaseId, async () => {
          await this.lifecycle.onAssigned(message.lease);
          // Admitted and not yet paid: prepare the node and its GPU check (verify, then pay).
          if (this.d.leases.get(message.lease.leaseId)?.state !== 'ended') this.attestations.prepare(message.lease);
        });
        break;
      case 'lease.attest':
        this.attestations.toNode(message.leaseId, message.message);
        break;
      case 'lease.attested':
        this.attestations.attested(message);
        break;
      case 'lease.paid':
        void this.attestations.end(message.leaseId);
        void this.queue.run(message.leaseId, () => this.payments.onPaid(message.leaseId, message));
        break;
      case 'lease.stop':
        void this.attestations.end(message.leaseId);
        this.access.leaseEnded(message.leaseId);
        void this.queue.run(message.leaseId, () => this.lifecycle.endLease(message.leaseId, message.message || `The lease ended (${message.reason}).`, {}));
        break;
      default:
        break;
    }
    this.publish();
  }

  /**
   * Docker went away (a message) or came back (null): each lease whose job runs here is
   * reported `down` to the hub, which then takes no payment for it and shows the renter
   * why; once Docker is back (and reconciled) a job still running is reported `running`
   * again. A job Docker's restart ended is reported by the lifecycle as usual.
   */
  private reportEngine(downMessage: string | null): void {
    const client = this.link.worker;
    if (downMessage !== null) {
      for (const stored of this.d.leases.active()) {
        if (stored.jobId === null || this.downLeases.has(stored.lease.leaseId)) continue;
        this.downLeases.add(stored.lease.leaseId);
        client?.reportNode(stored.lease.leaseId, 'down', { message: `Docker stopped on this machine (${downMessage}); the job waits for it to come back.`.slice(0, 1024) });
      }
      return;
    }
    for (const leaseId of [...this.downLeases]) {
      this.downLeases.delete(leaseId);
      const stored = this.d.leases.get(leaseId);
      if (!stored || stored.state === 'ended' || stored.jobId === null) continue;
      let state: string | null = null;
      try {
        state = this.d.worker.job(stored.jobId).state;
      } catch {
        continue;
      }
      if (state === 'running' || state === 'paused') client?.reportNode(leaseId, 'running');
    }
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
    if (nowMs - this.lastStorageProbeMs >= STORAGE_PROBE_MS) {
      this.lastStorageProbeMs = nowMs;
      this.d.worker.probeStorage().catch((error: unknown) => this.logError('[supplier] checking the data folder failed', error));
    }
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
    // A write that failed for want of disk (a lease that could not be stored) stops the offers.
    this.d.worker.reportStorageFailure(message, error);
  }
}
