import type { EventBus } from '../../../common/event-bus';
import type { ApiEventMap } from '../../../common/api/contract';
import type { HardwareSnapshot } from '../../../common/hardware/detection';
import type { TelemetrySample } from '../../../common/hardware/gpu';
import type { Offer } from '../../../common/hub/market-types';
import type { HubToWorkerMessage, WorkerLease } from '../../../common/hub/worker-messages';
import { THERMAL_PAUSE_AFTER_MS, THERMAL_RESUME_MARGIN_C } from '../../../common/market/lend-types';
import type { LendNotice, LendTerms, SupplierState, SupplierStatus } from '../../../common/market/lend-types';
import type { Settings } from '../../../common/settings';
import { isTerminalJobState } from '../../../common/worker/job';
import type { Job, JobLogBatch } from '../../../common/worker/job';
import { WorkerClient } from '../../../hub-client/worker-client';
import { isWithinSchedule } from '../../../common/market/offer-schedule';
import type { HardwareService } from '../../hardware/hardware-service';
import type { SettingsStore } from '../../settings/settings-store';
import type { WalletModule } from '../../wallet/wallet-module';
import type { WorkerService } from '../../worker/worker-service';
import type { MarketHub } from '../market-hub';
import type { EarningsStore } from './earnings-store';
import type { EnergyMeter } from './energy-meter';
import { leaseRefusal } from './lease-admission';
import { leaseJobId, leaseJobSpec } from './lease-job-spec';
import { LeaseLogBatcher } from './lease-log-batcher';
import { planOffers, sharedGpus, workerHardware } from './offer-plan';
import { toSupplierLease } from './supplier-lease-store';
import type { SupplierLeaseStore } from './supplier-lease-store';
import type { StoredLease } from './supplier-lease-store';
import { ThermalGuard } from './thermal-guard';
import { localDayStartMs } from './earnings-report';

export interface SupplierSessionDeps {
  leases: SupplierLeaseStore;
  earnings: EarningsStore;
  meter: EnergyMeter;
  settings: SettingsStore;
  events: EventBus<ApiEventMap>;
  hub: MarketHub;
  wallet: WalletModule;
  worker: WorkerService;
  hardware: HardwareService;
  nowMs: () => number;
  /** How often paid-through deadlines and metering are checked (1 s by default). */
  tickMs?: number;
  log?: (message: string, error?: unknown) => void;
}

interface PaymentNotice {
  increment: number;
  signature: string;
  amount: string;
  reference: string;
  memo: string;
  paidThroughMs?: number;
}

const VERIFY_RETRIES = 8;
const VERIFY_RETRY_MS = 750;

/**
 * This machine as a supplier: while sharing is on it keeps a worker session with the hub
 * (following a change of hub), publishes one offer per GPU model of the shared GPUs, and
 * runs the leases the hub places here — each payment verified on chain by this machine
 * before the job starts or continues, an earnings row per verified payment, the job's
 * state and logs relayed to the renter, the job stopped when the lease ends or the
 * verified payments run out, and paused while its GPUs are too hot.
 */
/** How long after the hub's unpaid deadline this machine stops a lease on its own. */
const LOCAL_UNPAID_MARGIN_MS = 10_000;

export class SupplierSession {
  private client: WorkerClient | null = null;
  private clientKey: string | null = null;
  private offers: Offer[] = [];
  private problem: string | null = null;
  private snapshot: HardwareSnapshot | null = null;
  private readonly guard = new ThermalGuard();
  private readonly logs: LeaseLogBatcher;
  private readonly leaseQueues = new Map<string, Promise<unknown>>();
  private syncQueue: Promise<unknown> = Promise.resolve();
  private offs: Array<() => void> = [];
  private ticker: NodeJS.Timeout | null = null;
  private lastStatusJson = '';
  private stopped = false;

  constructor(private readonly d: SupplierSessionDeps) {
    this.logs = new LeaseLogBatcher((leaseId, stream, text) => this.client?.sendLog(leaseId, stream, text));
  }

  async start(): Promise<void> {
    this.stopped = false;
    this.snapshot = await this.d.hardware.snapshot().catch(() => null);
    const e = this.d.events;
    this.offs.push(
      e.on('market:hub', () => void this.sync()),
      e.on('hardware:snapshot', (s) => {
        this.snapshot = s;
        void this.sync();
      }),
      e.on('worker:engine', () => void this.sync()),
      e.on('wallet:changed', () => void this.sync()),
      e.on('worker:job-changed', (job) => this.onJobChanged(job)),
      e.on('worker:job-log', (batch) => this.onJobLog(batch)),
      e.on('telemetry:samples', (samples) => this.onSamples(samples)),
    );
    this.ticker = setInterval(() => this.tick(), this.d.tickMs ?? 1_000);
    this.ticker.unref();
    await this.sync();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const off of this.offs.splice(0)) off();
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = null;
    await this.syncQueue;
    this.meterAll();
    this.logs.stop();
    // Jobs keep running (the next start re-adopts paid ones); only the socket goes.
    this.client?.stop();
    this.client = null;
    this.clientKey = null;
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
        await this.endLease(stored.lease.leaseId, 'You stopped sharing and the running leases.', { report: { state: 'failed', cause: 'supplier' } });
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
    const recent = this.d.leases.recent(20);
    const active = recent.filter((l) => l.state !== 'ended');
    const connected = this.client?.connected ?? false;
    let state: SupplierState;
    let message: string;
    if (this.problem) {
      state = 'error';
      message = this.problem;
    } else if (!settings.sharingEnabled && active.length === 0) {
      state = 'off';
      message = 'Sharing is off. Start sharing to offer your GPUs on the market.';
    } else if (!connected) {
      state = 'connecting';
      message = 'Connecting to the market hub…';
    } else if (active.some((l) => l.state === 'paused-hot')) {
      state = 'paused-hot';
      message = `A job is paused: its GPU went above ${terms.maxTemperatureC} °C. It resumes below ${terms.maxTemperatureC - THERMAL_RESUME_MARGIN_C} °C.`;
    } else if (active.length > 0) {
      state = 'running';
      message = `Running ${active.length} lease${active.length === 1 ? '' : 's'}.${settings.sharingEnabled ? '' : ' Sharing is off: no new leases after these.'}`;
    } else {
      state = 'sharing';
      message = isWithinSchedule(terms.schedule, this.d.nowMs())
        ? `Sharing ${shared.length} GPU${shared.length === 1 ? '' : 's'}; waiting for a renter.`
        : 'Sharing, but outside your schedule: no new leases until the next window.';
    }
    const today = this.d.earnings.since(localDayStartMs(this.d.nowMs())).reduce((sum, e) => sum + e.amount, 0n);
    return {
      state,
      message,
      sharingEnabled: settings.sharingEnabled,
      hubUrl: this.clientKey ? this.clientKey.split('|')[0]! : null,
      workerId: this.client?.workerId ?? null,
      sharedGpuUuids: shared,
      offers: this.offers,
      leases: recent.map((l) => toSupplierLease(l, this.d.earnings.forLease(l.lease.leaseId).reduce((s, e) => s + e.amount, 0n))),
      guard: this.guard.state(terms.maxTemperatureC, shared),
      scheduleOpen: isWithinSchedule(terms.schedule, this.d.nowMs()),
      todayEarned: today.toString(),
    };
  }

  // ── connection and offers ────────────────────────────────────────────────

  /** Brings the hub session and the offers in line with the settings; serialized. */
  sync(): Promise<void> {
    const run = this.syncQueue.then(() => this.syncNow());
    this.syncQueue = run.catch((error: unknown) => this.logError('[supplier] sync failed', error));
    return run.catch(() => undefined);
  }

  private async syncNow(): Promise<void> {
    if (this.stopped) return;
    const settings = this.d.settings.get();
    const hasActive = this.d.leases.active().length > 0;
    if (!settings.sharingEnabled && !hasActive) {
      await this.withdrawAll();
      this.disconnect();
      this.setProblem(null);
      return;
    }
    const payout = settings.lendTerms.payoutAddress || this.d.wallet.vault.activeAddress();
    if (!payout) return this.fail('Create a wallet first (Wallet → Create): payments for your GPUs go to it.');
    if (settings.sharingEnabled && !settings.lendTerms.payoutAddress) {
      this.updateSettings({ lendTerms: { ...settings.lendTerms, payoutAddress: payout } });
    }
    let hubUrl: string;
    try {
      hubUrl = this.d.hub.url();
    } catch (error) {
      return this.fail(`The market hub cannot be reached: ${(error as Error).message}`);
    }
    const engine = this.d.worker.engineStatus();
    if (engine.state === 'disconnected') return this.fail(`Docker is not running: ${engine.message} Start Docker (or run the setup doctor on Home), and sharing resumes by itself.`);
    const gpus = sharedGpus(this.snapshot, settings.lendTerms);
    if (settings.sharingEnabled && gpus.length === 0) {
      return this.fail(
        settings.lendTerms.gpuUuids.length > 0
          ? 'None of the GPUs chosen in the offer settings is detected. Choose GPUs again, or detect again on Home.'
          : 'No NVIDIA GPU detected: Idlegrid lends NVIDIA GPUs. Install the NVIDIA driver, then detect again on Home.',
      );
    }
    const key = `${hubUrl}|${payout}`;
    if (this.clientKey !== key) {
      this.disconnect();
      this.clientKey = key;
      this.publish();
      const client = new WorkerClient({
        hubUrl,
        token: () => this.d.hub.token(payout),
        machineId: this.d.leases.machineId(),
        hardware: workerHardware(this.snapshot),
        region: settings.lendTerms.region,
        agent: 'idlegrid-app',
        reconnectMinMs: 500,
        reconnectMaxMs: 15_000,
      });
      this.client = client;
      client.on('message', (m) => this.onHubMessage(client, m));
      client.on('disconnected', () => this.publish());
      try {
        await client.start();
      } catch (error) {
        if (this.client === client) this.disconnect();
        return this.fail(`The hub refused this machine: ${(error as Error).message}`);
      }
    }
    this.setProblem(null);
    if (this.client?.connected) await this.publishOffers(settings.sharingEnabled ? planOffers(gpus, settings.lendTerms) : []);
  }

  /** Updates the hub's offers to the plan: existing offers of a model are updated in place, extra ones withdrawn. */
  private async publishOffers(plan: ReturnType<typeof planOffers>): Promise<void> {
    const client = this.client;
    if (!client) return;
    const current = [...(client.welcome?.offers ?? []), ...this.offers].filter((o, i, all) => all.findIndex((x) => x.offerId === o.offerId) === i);
    const next: Offer[] = [];
    const used = new Set<string>();
    for (const item of plan) {
      const reuse = current.find((o) => !used.has(o.offerId) && o.gpuModel === item.gpuModel) ?? current.find((o) => !used.has(o.offerId));
      if (reuse) used.add(reuse.offerId);
      next.push(await client.publishOffer(item.terms, reuse?.offerId));
    }
    for (const o of current) if (!used.has(o.offerId)) await client.withdrawOffer(o.offerId).catch(() => undefined);
    if (client.welcome) client.welcome.offers = next;
    this.offers = next;
    this.publish();
  }

  private async withdrawAll(): Promise<void> {
    if (this.client?.connected) await this.publishOffers([]).catch((error: unknown) => this.logError('[supplier] withdrawing offers failed', error));
    this.offers = [];
  }

  private disconnect(): void {
    this.client?.removeAllListeners();
    this.client?.stop();
    this.client = null;
    this.clientKey = null;
    this.offers = [];
  }

  private fail(problem: string): void {
    this.disconnect();
    this.setProblem(problem);
  }

  private setProblem(problem: string | null): void {
    this.problem = problem;
    this.publish();
  }

  // ── hub messages ─────────────────────────────────────────────────────────

  private onHubMessage(client: WorkerClient, message: HubToWorkerMessage): void {
    if (client !== this.client) return;
    switch (message.type) {
      case 'welcome':
        void this.onWelcome(message.leases);
        void this.sync();
        break;
      case 'lease.assigned':
        void this.perLease(message.lease.leaseId, () => this.onAssigned(message.lease));
        break;
      case 'lease.paid':
        void this.perLease(message.leaseId, () => this.onPaid(message.leaseId, message));
        break;
      case 'lease.stop':
        void this.perLease(message.leaseId, () => this.endLease(message.leaseId, message.message || `The lease ended (${message.reason}).`, {}));
        break;
      default:
        break;
    }
    this.publish();
  }

  /** After (re)connecting: the hub's leases are kept and re-associated with their jobs; any other is stopped. */
  private async onWelcome(leases: WorkerLease[]): Promise<void> {
    const listed = new Set(leases.map((l) => l.leaseId));
    for (const stored of this.d.leases.active()) {
      if (!listed.has(stored.lease.leaseId)) {
        void this.perLease(stored.lease.leaseId, () => this.endLease(stored.lease.leaseId, 'The hub no longer lists this lease; it was stopped.', {}));
      }
    }
    for (const lease of leases) {
      void this.perLease(lease.leaseId, async () => {
        await this.onAssigned(lease);
        for (const p of lease.payments) {
          if (p.signature !== null && lease.startedAtMs !== null) await this.onPaid(lease.leaseId, { ...p, signature: p.signature });
        }
        const stored = this.d.leases.get(lease.leaseId);
        if (stored?.jobId) this.reportJob(lease.leaseId, this.jobOf(stored.jobId));
      });
    }
  }

  private async onAssigned(lease: WorkerLease): Promise<void> {
    const known = this.d.leases.get(lease.leaseId);
    if (known?.state === 'ended') return;
    if (!known) {
      const terms = this.terms();
      const refusal = leaseRefusal(lease, terms, sharedGpus(this.snapshot, terms).map((g) => g.uuid), this.d.nowMs());
      this.d.leases.upsert(lease);
      if (refusal) {
        await this.endLease(lease.leaseId, refusal, { report: { state: 'failed', cause: 'supplier' } });
        this.notice('refused', 'Lease refused', refusal);
        return;
      }
    } else {
      // Re-sent when extended: keep what this machine learnt (the start time) if the hub's copy lacks it.
      this.d.leases.upsert({ ...lease, startedAtMs: lease.startedAtMs ?? known.lease.startedAtMs });
    }
    this.publish();
  }

  /** Verifies one of this machine's payments on chain, records it once, and starts the job after increment 0. */
  private async onPaid(leaseId: string, payment: PaymentNotice): Promise<void> {
    const stored = this.d.leases.get(leaseId);
    if (!stored || stored.state === 'ended') return;
    const { lease } = stored;
    const startedAtMs = lease.startedAtMs ?? (payment.paidThroughMs !== undefined ? payment.paidThroughMs - (payment.increment + 1) * lease.incrementMs : null);
    if (startedAtMs !== null && lease.startedAtMs === null) this.d.leases.upsert({ ...lease, startedAtMs });
    // Paid-through from the lease's own clock, not the hub's figure.
    const paidThroughMs = startedAtMs !== null ? startedAtMs + (payment.increment + 1) * lease.incrementMs : payment.paidThroughMs ?? null;

    if (!this.d.earnings.has(payment.signature)) {
      if (stored.state === 'assigned') this.d.leases.update(leaseId, { state: 'verifying' });
      this.publish();
      const verified = await this.verify(stored, payment);
      if (!verified.ok) {
        const message = `Payment for increment ${payment.increment} did not verify on chain: ${verified.message}`;
        if (stored.jobId === null) {
          await this.endLease(leaseId, message, { report: { state: 'failed', cause: 'job' } });
        } else {
          // The running job stops by itself when what WAS verified runs out.
          this.client?.sendLog(leaseId, 'stderr', `[idlegrid] ${message}\n`);
        }
        return;
      }
      const fresh = this.d.earnings.record({
        signature: payment.signature,
        leaseId,
        increment: payment.increment,
        renter: lease.renter,
        amount: verified.amount,
        recipient: this.payout(),
        mint: lease.mint,
        reference: payment.reference,
        memo: this.memoOf(leaseId, payment.increment),
        network: this.network(),
        gpuCount: lease.gpuUuids.length,
        electricityPricePerKwh: BigInt(this.terms().electricityPricePerKwh),
        paidAtMs: this.d.nowMs(),
      });
      if (fresh) {
        this.notice('payment', 'Payment received', `${formatUsdc(verified.amount)} USDC for lease ${leaseId} (increment ${payment.increment}).`);
        this.d.events.emit('earnings:changed', { atMs: this.d.nowMs() });
      }
    }
    if (paidThroughMs !== null) this.d.leases.extendPaidThrough(leaseId, paidThroughMs);
    const now = this.d.leases.get(leaseId)!;
    if (now.jobId === null) await this.startJob(now);
    this.publish();
  }

  private async verify(stored: StoredLease, payment: PaymentNotice): Promise<{ ok: true; amount: bigint } | { ok: false; message: string }> {
    const { lease } = stored;
    // The amount this machine was promised for that increment, when the lease says so.
    const expected = lease.payments.find((p) => p.increment === payment.increment)?.amount ?? payment.amount;
    const verifier = this.d.wallet.paymentVerifier();
    for (let attempt = 0; ; attempt++) {
      const result = await verifier
        .verifyAndCredit(
          { signature: payment.signature, recipient: this.payout(), mint: lease.mint, amount: BigInt(expected), reference: payment.reference, memo: this.memoOf(lease.leaseId, payment.increment) },
          { network: this.network(), leaseId: lease.leaseId, increment: payment.increment },
        )
        .catch((error: unknown) => ({ ok: false as const, reason: 'not_found' as const, message: `The chain could not be asked: ${(error as Error).message}` }));
      if (result.ok) return { ok: true, amount: result.receivedAmount };
      // Credited before but not in earnings: the app stopped between the two writes. The credit store saw it verified.
      if (result.reason === 'already_credited' && this.d.wallet.credits.isCredited(payment.signature)) return { ok: true, amount: BigInt(expected) };
      const transient = result.reason === 'not_found' || result.reason === 'not_confirmed';
      if (!transient || attempt >= VERIFY_RETRIES || this.stopped) return { ok: false, message: result.message };
      await new Promise((r) => setTimeout(r, VERIFY_RETRY_MS));
    }
  }

  private async startJob(stored: StoredLease): Promise<void> {
    const { lease } = stored;
    const jobId = leaseJobId(lease);
    const existing = this.jobOf(jobId);
    if (existing) {
      // After a restart: the job of this lease is already there (adopted, or ended).
      this.d.leases.update(lease.leaseId, { jobId });
      this.onJobChanged(existing);
      return;
    }
    try {
      const job = await this.d.worker.submit(leaseJobSpec(lease, this.snapshot, this.terms().maxLeaseMs));
      this.d.leases.update(lease.leaseId, { jobId: job.id, state: 'pulling' });
      this.client?.reportNode(lease.leaseId, 'pulling');
    } catch (error) {
      await this.endLease(lease.leaseId, `This machine could not start the job: ${(error as Error).message}`, { report: { state: 'failed', cause: 'supplier' } });
    }
  }

  /** Ends a lease here: stops its job (if any), records why, tells the hub when asked. */
  private async endLease(leaseId: string, message: string, options: { report?: { state: 'exited' | 'failed'; cause?: 'job' | 'supplier' } }): Promise<void> {
    const stored = this.d.leases.get(leaseId);
    if (!stored || stored.state === 'ended') return;
    this.meterLease(stored);
    this.d.leases.update(leaseId, { state: 'ended', endedAtMs: this.d.nowMs(), message });
    if (options.report) this.client?.reportNode(leaseId, options.report.state, { message: message.slice(0, 1024), ...(options.report.cause ? { cause: options.report.cause } : {}) });
    const job = stored.jobId ? this.jobOf(stored.jobId) : null;
    if (job && !isTerminalJobState(job.state)) {
      await this.d.worker.stopJob(job.id, 'lease-ended').catch((error: unknown) => this.logError(`[supplier] stopping job ${job.id} failed`, error));
    }
    if (stored.jobId) this.notice('job-ended', 'Job ended', `Lease ${leaseId}: ${message}`);
    this.publish();
    if (!this.d.settings.get().sharingEnabled) void this.sync();
  }

  // ── jobs → hub ───────────────────────────────────────────────────────────

  private onJobChanged(job: Job): void {
    const stored = this.leaseOfJob(job.id);
    if (!stored) return;
    const leaseId = stored.lease.leaseId;
    if (stored.state !== 'ended') {
      if (job.state === 'running' && stored.state !== 'running' && stored.state !== 'paused-hot') {
        this.d.leases.update(leaseId, { state: 'running', startedAtMs: stored.startedAtMs ?? job.startedAtMs ?? this.d.nowMs() });
        this.notice('job-started', 'Job started', `Lease ${leaseId} is running on ${stored.lease.gpuUuids.length} GPU${stored.lease.gpuUuids.length === 1 ? '' : 's'}.`);
      } else if ((job.state === 'pulling' || job.state === 'creating' || job.state === 'queued') && stored.state !== 'pulling') {
        this.d.leases.update(leaseId, { state: 'pulling' });
      } else if (isTerminalJobState(job.state)) {
        this.meterLease(stored);
        this.d.leases.update(leaseId, { state: 'ended', endedAtMs: job.endedAtMs ?? this.d.nowMs(), message: job.message });
        this.notice('job-ended', 'Job ended', `Lease ${leaseId}: ${job.message ?? job.state}`);
      }
    }
    this.reportJob(leaseId, job);
    this.publish();
  }

  private reportJob(leaseId: string, job: Job | null): void {
    const client = this.client;
    if (!client || !job) return;
    const message = job.message?.slice(0, 1024);
    const extra = { ...(message ? { message } : {}), ...(job.exitCode !== null ? { exitCode: job.exitCode } : {}) };
    switch (job.state) {
      case 'queued':
      case 'pulling':
      case 'creating':
        return client.reportNode(leaseId, 'pulling', extra);
      case 'running':
      case 'paused':
        return client.reportNode(leaseId, 'running', extra);
      case 'succeeded':
        return client.reportNode(leaseId, 'exited', extra);
      case 'stopped':
        if (job.endReason === 'owner-stopped') return client.reportNode(leaseId, 'failed', { ...extra, cause: 'supplier' });
        return client.reportNode(leaseId, 'exited', extra);
      case 'failed': {
        const jobsFault = job.endReason === 'exited' || job.endReason === 'oom-killed' || job.endReason === 'pull-failed';
        return client.reportNode(leaseId, 'failed', { ...extra, cause: jobsFault ? 'job' : 'supplier' });
      }
      case 'interrupted':
        return client.reportNode(leaseId, 'failed', { ...extra, cause: 'supplier' });
      default:
        return undefined;
    }
  }

  private onJobLog(batch: JobLogBatch): void {
    const stored = this.leaseOfJob(batch.jobId);
    if (!stored) return;
    for (const line of batch.lines) {
      if (line.stream === 'worker') this.logs.push(stored.lease.leaseId, 'stderr', `[idlegrid] ${line.text}`);
      else this.logs.push(stored.lease.leaseId, line.stream, line.text);
    }
  }

  // ── timers: paid-through, metering; telemetry: the thermal guard ─────────

  private tick(): void {
    const now = this.d.nowMs();
    for (const stored of this.d.leases.active()) {
      if (stored.jobId === null) continue;
      // This machine's own clock on what it verified: the hub's silence is not a payment.
      // A backstop: it waits a little past the hub's own deadline, so the hub (which also
      // tells the renter why) normally ends an unpaid lease first.
      if (stored.paidThroughMs !== null && now > stored.paidThroughMs + stored.graceMs + LOCAL_UNPAID_MARGIN_MS) {
        void this.perLease(stored.lease.leaseId, () =>
          this.endLease(stored.lease.leaseId, `No verified payment covers this lease after ${new Date(stored.paidThroughMs!).toISOString()}; the job was stopped.`, { report: { state: 'exited' } }),
        );
      }
    }
    this.meterAll();
    this.publish();
  }

  private meterAll(): void {
    for (const stored of this.d.leases.active()) this.meterLease(stored);
  }

  /** Adds the GPU-seconds and measured energy since the last reading to the payment covering now. */
  private meterLease(stored: StoredLease): void {
    const running = stored.state === 'running';
    const delta = this.d.meter.take(stored.lease.leaseId, stored.lease.gpuUuids, running, this.d.nowMs());
    if (!delta || (delta.gpuSeconds === 0 && delta.energyWh === 0)) return;
    const rows = this.d.earnings.forLease(stored.lease.leaseId);
    if (rows.length === 0) return;
    const started = stored.lease.startedAtMs;
    const index = started === null ? rows.length - 1 : Math.floor((this.d.nowMs() - started) / stored.lease.incrementMs);
    const row = [...rows].reverse().find((r) => r.increment <= index) ?? rows[0]!;
    this.d.earnings.accrue(row.signature, delta.gpuSeconds, delta.energyWh);
    this.d.events.emit('earnings:changed', { atMs: this.d.nowMs() });
  }

  private onSamples(samples: TelemetrySample[]): void {
    const terms = this.terms();
    const guarded = this.d.leases
      .active()
      .filter((l) => l.jobId !== null && (l.state === 'running' || l.state === 'paused-hot'))
      .map((l) => ({ leaseId: l.lease.leaseId, gpuUuids: l.lease.gpuUuids, paused: l.state === 'paused-hot' }));
    const actions = this.guard.observe(samples, this.d.nowMs(), terms.maxTemperatureC, guarded);
    for (const action of actions) void this.perLease(action.leaseId, () => this.applyThermal(action.leaseId, action.action, action.temperatureC, terms.maxTemperatureC));
    this.publish();
  }

  private async applyThermal(leaseId: string, action: 'pause' | 'resume', temperatureC: number, maxC: number): Promise<void> {
    const stored = this.d.leases.get(leaseId);
    if (!stored?.jobId || stored.state === 'ended') return;
    try {
      if (action === 'pause') {
        if (stored.state !== 'running') return;
        this.meterLease(stored);
        await this.d.worker.pauseJob(stored.jobId);
        const why = `GPU at ${temperatureC} °C, above this machine's limit of ${maxC} °C for ${THERMAL_PAUSE_AFTER_MS / 1000} s: the job is paused until it cools below ${maxC - THERMAL_RESUME_MARGIN_C} °C.`;
        this.d.leases.update(leaseId, { state: 'paused-hot', message: why });
        this.client?.sendLog(leaseId, 'stderr', `[idlegrid] ${why}\n`);
        this.notice('overheat', 'GPU too hot: job paused', why);
      } else {
        if (stored.state !== 'paused-hot') return;
        this.meterLease(stored);
        await this.d.worker.resumeJob(stored.jobId);
        const why = `GPU cooled to ${temperatureC} °C: the job resumed.`;
        this.d.leases.update(leaseId, { state: 'running', message: null });
        this.client?.sendLog(leaseId, 'stderr', `[idlegrid] ${why}\n`);
        this.notice('cooled', 'GPU cooled: job resumed', why);
      }
    } catch (error) {
      this.logError(`[supplier] thermal ${action} of lease ${leaseId} failed`, error);
    }
    this.publish();
  }

  // ── helpers ──────────────────────────────────────────────────────────────

  /** One thing at a time per lease (payments, stops, thermal actions), in arrival order. */
  private perLease(leaseId: string, fn: () => Promise<void>): Promise<void> {
    const previous = this.leaseQueues.get(leaseId) ?? Promise.resolve();
    const run = previous.then(fn).catch((error: unknown) => this.logError(`[supplier] lease ${leaseId}`, error));
    this.leaseQueues.set(leaseId, run);
    void run.then(() => {
      if (this.leaseQueues.get(leaseId) === run) this.leaseQueues.delete(leaseId);
    });
    return run;
  }

  /** Resolves when every lease's queued work is done (tests). */
  async idle(): Promise<void> {
    await this.syncQueue;
    await Promise.all([...this.leaseQueues.values()]);
  }

  private leaseOfJob(jobId: string): StoredLease | null {
    for (const stored of this.d.leases.recent(200)) if (stored.jobId === jobId || leaseJobId(stored.lease) === jobId) return stored;
    return null;
  }

  private jobOf(jobId: string): Job | null {
    return this.d.worker.store.get(jobId)?.job ?? null;
  }

  private payout(): string {
    return this.terms().payoutAddress || this.d.wallet.vault.activeAddress() || '';
  }

  private network(): string {
    return this.d.wallet.network.info().kind;
  }

  private memoOf(leaseId: string, increment: number): string {
    return `idlegrid:${leaseId}:${increment}`;
  }

  private updateSettings(patch: Partial<Settings>): void {
    const next = this.d.settings.update(patch);
    this.d.events.emit('settings:changed', next);
  }

  private notice(kind: LendNotice['kind'], title: string, body: string): void {
    this.d.events.emit('lend:notice', { kind, title, body, atMs: this.d.nowMs() });
  }

  /** Emits `lend:status` when anything the status shows changed. */
  publish(): void {
    const status = this.status();
    const json = JSON.stringify(status);
    if (json === this.lastStatusJson) return;
    this.lastStatusJson = json;
    this.d.events.emit('lend:status', status);
  }

  private logError(message: string, error: unknown): void {
    (this.d.log ?? ((m, e) => console.error(m, e)))(message, error);
  }
}

function formatUsdc(amount: bigint): string {
  const whole = amount / 1_000_000n;
  const fraction = (amount % 1_000_000n).toString().padStart(6, '0').replace(/0+$/, '');
  return fraction ? `${whole}.${fraction}` : whole.toString();
}
