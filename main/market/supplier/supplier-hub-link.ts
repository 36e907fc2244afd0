import { Sequencer } from '../../../common/async';
import type { HardwareSnapshot } from '../../../common/hardware/detection';
import type { HubTime } from '../hub-time';
import type { Offer } from '../../../common/hub/market-types';
import type { HubToWorkerMessage } from '../../../common/hub/worker-messages';
import type { Settings } from '../../../common/settings';
import { WorkerClient } from '../../../hub-client/worker-client';
import type { SettingsStore } from '../../settings/settings-store';
import type { WalletModule } from '../../wallet/wallet-module';
import type { WorkerService } from '../../worker/worker-service';
import type { MarketHub } from '../market-hub';
import { planOffers, sharedGpus, workerHardware } from './offer-plan';
import type { SupplierLeaseStore } from './supplier-lease-store';
import { errorText } from '../../../common/errors';

export interface SupplierHubLinkDeps {
  nowMs: () => number;
  /** Told the hub's clock offset at each welcome and heartbeat. */
  hubTime: HubTime;
  leases: SupplierLeaseStore;
  settings: SettingsStore;
  hub: MarketHub;
  wallet: WalletModule;
  worker: WorkerService;
  /** The latest hardware detection (the GPUs to offer and the worker's description). */
  snapshot: () => HardwareSnapshot | null;
  /** True once the session is stopping: no new connection is made. */
  stopped: () => boolean;
  updateSettings: (patch: Partial<Settings>) => void;
  /** A message of the hub for the current connection (never one from a replaced client). */
  onMessage: (message: HubToWorkerMessage) => void;
  /** Something the status shows changed. */
  publish: () => void;
  logError: (message: string, error: unknown) => void;
}

/**
 * This machine's worker session with the hub and its offers: connected while sharing is
 * on or a lease still runs, reconnected when the hub or the payout wallet changes, and
 * one offer per GPU model of the shared GPUs kept published. It owns the WorkerClient;
 * what the hub sends goes to `onMessage`, and why sharing cannot go on is its `problem`.
 */
export class SupplierHubLink {
  private client: WorkerClient | null = null;
  private clientKey: string | null = null;
  private offers: Offer[] = [];
  private problem: string | null = null;
  private readonly syncs = new Sequencer();

  constructor(private readonly d: SupplierHubLinkDeps) {}

  /** The current connection to the hub, if any (lease reports and logs go through it). */
  get worker(): WorkerClient | null {
    return this.client;
  }

  get connected(): boolean {
    return this.client?.connected ?? false;
  }

  get hubUrl(): string | null {
    return this.clientKey ? this.clientKey.split('|')[0]! : null;
  }

  /** The wallet this machine's worker session is signed in with (its payout address). */
  get payoutAddress(): string | null {
    return this.clientKey ? (this.clientKey.split('|')[1] ?? null) : null;
  }

  get workerId(): string | null {
    return this.client?.workerId ?? null;
  }

  get publishedOffers(): Offer[] {
    return this.offers;
  }

  /** Why sharing cannot go on, in words with the fix; null when nothing is wrong. */
  get currentProblem(): string | null {
    return this.problem;
  }

  /** Brings the hub session and the offers in line with the settings; serialized. */
  sync(): Promise<void> {
    return this.syncs.queue(() => this.syncNow()).catch((error: unknown) => this.d.logError('[supplier] sync failed', error));
  }

  /** Resolves when the queued syncs are done. */
  idle(): Promise<void> {
    return this.syncs.idle();
  }

  /** Closes the socket; the jobs keep running (the next start re-adopts paid ones). */
  close(): void {
    this.client?.stop();
    this.client = null;
    this.clientKey = null;
  }

  private async syncNow(): Promise<void> {
    if (this.d.stopped()) return;
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
      this.d.updateSettings({ lendTerms: { ...settings.lendTerms, payoutAddress: payout } });
    }
    let hubUrl: string;
    try {
      hubUrl = this.d.hub.url();
    } catch (error) {
      return this.fail(`The market hub cannot be reached: ${errorText(error)}`);
    }
    const engine = this.d.worker.engineStatus();
    if (engine.state === 'disconnected') return this.fail(`Docker is not running: ${engine.message} Start Docker (or run the setup doctor on Home), and sharing resumes by itself.`);
    const snapshot = this.d.snapshot();
    const gpus = sharedGpus(snapshot, settings.lendTerms);
    if (settings.sharingEnabled && gpus.length === 0) {
      return this.fail(
        settings.lendTerms.gpuUuids.length > 0
          ? 'None of the GPUs chosen in the offer settings is detected. Choose GPUs again, or detect again on Home.'
          : 'No GPU that can be lent was detected: Idlegrid lends NVIDIA and AMD GPUs. Install the NVIDIA driver or ROCm, then detect again on Home.',
      );
    }
    const key = `${hubUrl}|${payout}`;
    if (this.clientKey !== key) {
      this.disconnect();
      this.clientKey = key;
      this.d.publish();
      const client = new WorkerClient({
        hubUrl,
        // The worker audience: this session can run the machine's socket, not rent.
        token: () => this.d.hub.token(payout, 'worker'),
        machineId: this.d.leases.machineId(),
        hardware: workerHardware(snapshot),
        region: settings.lendTerms.region,
        agent: 'idlegrid-app',
        reconnectMinMs: 500,
        reconnectMaxMs: 15_000,
        nowMs: this.d.nowMs,
      });
      this.client = client;
      client.on('message', (m) => {
        if ((m.type === 'welcome' || m.type === 'heartbeat.ack') && client.clockOffsetMs !== null) this.d.hubTime.measured(client.clockOffsetMs);
        if (client === this.client) this.d.onMessage(m);
      });
      client.on('disconnected', () => this.d.publish());
      // A revoked or forgotten session: drop it, so the reconnect signs in again.
      client.on('refused', (error) => {
        if (error.code === 'unauthenticated') this.d.hub.forgetSession(payout, 'worker');
      });
      try {
        await client.start();
      } catch (error) {
        if (this.client === client) this.disconnect();
        return this.fail(`The hub refused this machine: ${errorText(error)}`);
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
    this.d.publish();
  }

  private async withdrawAll(): Promise<void> {
    if (this.client?.connected) await this.publishOffers([]).catch((error: unknown) => this.d.logError('[supplier] withdrawing offers failed', error));
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
    this.d.publish();
  }
}
