import { HUB_PROTOCOL_VERSION } from '../../common/hub/hub-protocol';
import { HubError } from '../../common/hub/hub-errors';
import type { HubGpu } from '../../common/hub/market-types';
import type { WorkerHello, WorkerMessage } from '../../common/hub/worker-messages';
import type { SessionTokens } from '../auth/session-tokens';
import type { LeaseService } from '../leases/lease-service';
import type { OfferBook, OfferOwner } from '../market/offer-book';
import type { HubStore } from '../store/hub-store';
import type { HubClock, RandomBytes } from '../support/hub-clock';
import { makeId } from '../support/hub-clock';
import type { LiveWorker, WorkerLink, WorkerRegistry } from './worker-registry';

export interface WorkerSessionsDeps {
  store: HubStore;
  clock: HubClock;
  random: RandomBytes;
  sessions: SessionTokens;
  workers: WorkerRegistry;
  offers: OfferBook;
  leases: LeaseService;
  heartbeatIntervalMs: number;
}

/**
 * What a worker can do once its socket is open, independent of the transport: say hello
 * (sign in with its session token, register or resume its machine), publish and withdraw
 * offers, heartbeat, and report on its leases. Each method throws a HubError whose code and
 * message go back to the worker.
 */
export class WorkerSessions {
  /** GPU uuid → the online worker that registered it: the same GPU cannot be in two machines. */
  private readonly gpuOwners = new Map<string, string>();

  constructor(private readonly o: WorkerSessionsDeps) {}

  async hello(hello: WorkerHello, link: WorkerLink): Promise<LiveWorker> {
    if (hello.protocolVersion !== HUB_PROTOCOL_VERSION) {
      throw new HubError('version_mismatch', `This hub speaks protocol ${HUB_PROTOCOL_VERSION}; the worker sent ${hello.protocolVersion}. Update Idlegrid on this machine (or the hub).`, 'protocol_version_mismatch');
    }
    const owner = await this.o.sessions.resolve(hello.token);
    if (!owner) throw new HubError('unauthenticated', 'The session token is unknown or expired. Sign in again with the wallet and reconnect.', 'session_token_invalid');
    const { gpus, problems } = this.checkHardware(hello.hardware.gpus, owner, hello.machineId);
    const nowMs = this.o.clock.nowMs();
    const stored = await this.o.store.upsertWorker({
      newWorkerId: makeId('wkr', this.o.random),
      owner,
      machineId: hello.machineId,
      hardware: { ...hello.hardware, gpus },
      region: hello.region,
      advertisedHost: hello.advertisedHost ?? null,
      atMs: nowMs,
    });
    const worker = await this.o.workers.connect(stored, link);
    for (const gpu of gpus) this.gpuOwners.set(gpu.uuid, worker.workerId);
    // An offer naming a GPU this machine no longer has cannot be honoured: withdraw it.
    const present = new Set(gpus.map((g) => g.uuid));
    for (const offer of this.o.offers.ofWorker(worker.workerId)) {
      if (offer.terms.gpuUuids.every((u) => present.has(u))) continue;
      this.o.offers.withdraw(offer.offerId);
      await this.o.store.withdrawOffer(offer.offerId, nowMs);
      problems.push(`offer ${offer.offerId} named a GPU this machine no longer reports; it was withdrawn`);
    }
    const passed = problems.length === 0;
    worker.facts.hardwareChecksTotal += 1;
    if (passed) worker.facts.hardwareChecksPassed += 1;
    await this.o.store.recordHardwareCheck(worker.workerId, passed);
    link.send({
      type: 'welcome',
      protocolVersion: HUB_PROTOCOL_VERSION,
      workerId: worker.workerId,
      heartbeatIntervalMs: this.o.heartbeatIntervalMs,
      offers: this.o.offers.ofWorker(worker.workerId).map((offer) => this.o.offers.toWire(offer, nowMs)),
      leases: this.o.leases.leasesOfWorker(worker.workerId),
      hardwareCheck: { passed, problems },
    });
    return worker;
  }

  /**
   * Drops GPUs that cannot be leased safely: a uuid listed twice, or one another online
   * machine already registered (two machines claiming one GPU means one of them is wrong).
   */
  private checkHardware(gpus: readonly HubGpu[], owner: string, machineId: string): { gpus: HubGpu[]; problems: string[] } {
    const problems: string[] = [];
    const seen = new Set<string>();
    const kept: HubGpu[] = [];
    for (const gpu of gpus) {
      if (seen.has(gpu.uuid)) {
        problems.push(`GPU ${gpu.uuid} is listed twice`);
        continue;
      }
      seen.add(gpu.uuid);
      const holder = this.gpuOwners.get(gpu.uuid);
      const holderWorker = holder === undefined ? undefined : this.o.workers.get(holder);
      if (holderWorker && holderWorker.link && !(holderWorker.owner === owner && holderWorker.machineId === machineId)) {
        problems.push(`GPU ${gpu.uuid} is already registered by another machine (${holder})`);
        continue;
      }
      if (gpu.vramMiB === 0) problems.push(`GPU ${gpu.uuid} reports no memory`);
      kept.push(gpu);
    }
    return { gpus: kept, problems };
  }

  async handle(worker: LiveWorker, message: Exclude<WorkerMessage, WorkerHello>): Promise<void> {
    switch (message.type) {
      case 'heartbeat':
        this.o.workers.heartbeat(worker);
        worker.link?.send({ type: 'heartbeat.ack', seq: message.seq, sentAtMs: message.sentAtMs });
        return;
      case 'offer.publish':
        return this.publish(worker, message);
      case 'offer.withdraw': {
        const offer = this.o.offers.get(message.offerId);
        if (!offer || offer.workerId !== worker.workerId) throw new HubError('not_found', `This machine has no offer ${message.offerId}.`, 'offer_not_found');
        this.o.offers.withdraw(message.offerId);
        await this.o.store.withdrawOffer(message.offerId, this.o.clock.nowMs());
        worker.link?.send({ type: 'offer.withdrawn', ref: message.ref, offerId: message.offerId });
        return;
      }
      case 'lease.node':
        return this.o.leases.nodeEvent(worker.workerId, message);
      case 'lease.log':
        this.o.leases.logChunk(worker.workerId, message);
        return;
      case 'lease.refund':
        return this.o.leases.refundReported(worker.workerId, message);
    }
  }

  private async publish(worker: LiveWorker, message: Extract<WorkerMessage, { type: 'offer.publish' }>): Promise<void> {
    if (message.offerId !== undefined) {
      const existing = this.o.offers.get(message.offerId);
      if (!existing || existing.workerId !== worker.workerId) throw new HubError('not_found', `This machine has no offer ${message.offerId} to update; publish without an offerId to make a new one.`, 'offer_not_found');
    }
    const owner: OfferOwner = {
      workerId: worker.workerId,
      supplier: worker.owner,
      region: worker.region,
      gpus: worker.hardware.gpus,
      reliability: worker.reliability,
    };
    const { gpuModel, vramMiB } = this.o.offers.validate(owner, message.terms, message.offerId);
    const nowMs = this.o.clock.nowMs();
    const offerId = message.offerId ?? makeId('ofr', this.o.random);
    const offer = this.o.offers.upsert(owner, offerId, message.terms, gpuModel, vramMiB);
    await this.o.store.saveOffer({ offerId, workerId: worker.workerId, gpuModel, vramMiB, terms: message.terms, createdAtMs: nowMs, updatedAtMs: nowMs });
    worker.link?.send({ type: 'offer.published', ref: message.ref, offer: this.o.offers.toWire(offer, nowMs) });
  }
}
