import { hasTrackRecord } from '../reputation/reputation-score';
import { HUB_PROTOCOL_VERSION } from '../../common/hub/hub-protocol';
import { HubError } from '../../common/hub/hub-errors';
import type { HubGpu } from '../../common/hub/market-types';
import type { WorkerHello, WorkerMessage } from '../../common/hub/worker-messages';
import type { SessionTokens } from '../auth/session-tokens';
import type { LeaseService } from '../leases/lease-service';
import type { OfferBook, OfferOwner } from '../market/offer-book';
import { gpuReleaseMessage } from '../../common/hub/gpu-release';
import { verifyWalletSignature } from '../auth/ed25519-signature';
import type { GpuBinding, HubStore, StoredOffer } from '../store/hub-store';
import type { HubClock, RandomBytes } from '../support/hub-clock';
import { makeId } from '../support/hub-clock';
import type { LiveWorker, WorkerLink, WorkerRegistry } from './worker-registry';
import type { LeaseMeshes } from '../mesh/lease-meshes';

export interface WorkerSessionsDeps {
  store: HubStore;
  clock: HubClock;
  random: RandomBytes;
  sessions: SessionTokens;
  workers: WorkerRegistry;
  offers: OfferBook;
  leases: LeaseService;
  heartbeatIntervalMs: number;
  /** Told of every offer saved or withdrawn (the other hub instances of the same database). */
  offerEvents?: { saved(offer: StoredOffer): void; withdrawn(workerId: string, offerId: string): void };
  /** The leases' meshes (issue 11); without it, mesh requests are refused as unavailable. */
  meshes?: LeaseMeshes | null;
}

/**
 * What a worker can do once its socket is open, independent of the transport: say hello
 * (sign in with its session token, register or resume its machine), publish and withdraw
 * offers, heartbeat, and report on its leases. Each method throws a HubError whose code and
 * message go back to the worker.
 */
export class WorkerSessions {
  /** GPU uuid → the worker that last registered it (the durable owner is in the store's bindings). */
  private readonly gpuOwners = new Map<string, string>();

  constructor(private readonly o: WorkerSessionsDeps) {}

  async hello(hello: WorkerHello, link: WorkerLink): Promise<LiveWorker> {
    if (hello.protocolVersion !== HUB_PROTOCOL_VERSION) {
      throw new HubError('version_mismatch', `This hub speaks protocol ${HUB_PROTOCOL_VERSION}; the worker sent ${hello.protocolVersion}. Update Idlegrid on this machine (or the hub).`, 'protocol_version_mismatch');
    }
    const holder = await this.o.sessions.resolve(hello.token);
    if (!holder) throw new HubError('unauthenticated', 'The session token is unknown or expired. Sign in again with the wallet and reconnect.', 'session_token_invalid');
    if (holder.audience !== 'worker') {
      throw new HubError('unauthenticated', 'This session was made for renting, not for a worker: sign in again with the worker audience.', 'session_wrong_audience');
    }
    const owner = holder.address;
    const nowMs = this.o.clock.nowMs();
    const { gpus, problems } = await this.checkHardware(hello, owner, nowMs);
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
      this.o.offerEvents?.withdrawn(worker.workerId, offer.offerId);
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
      hubNowMs: this.o.clock.nowMs(),
      offers: this.o.offers.ofWorker(worker.workerId).map((offer) => this.o.offers.toWire(offer, nowMs)),
      leases: this.o.leases.leasesOfWorker(worker.workerId),
      hardwareCheck: { passed, problems },
    });
    return worker;
  }

  /**
   * Drops GPUs that cannot be leased safely: a uuid listed twice; one bound to another
   * owner (the first (owner, machine) to register a UUID keeps it — a UUID is no secret,
   * so "whoever claims it while the owner is offline" would be a takeover, issue 14.3)
   * unless the hello carries that owner's signed release; one still registered by another
   * of this owner's machines that is online. A refused claim never touches the
   * incumbent: its binding, machine and offers stay as they are.
   */
  private async checkHardware(hello: WorkerHello, owner: string, nowMs: number): Promise<{ gpus: HubGpu[]; problems: string[] }> {
    const problems: string[] = [];
    const seen = new Set<string>();
    const unique: HubGpu[] = [];
    for (const gpu of hello.hardware.gpus) {
      if (seen.has(gpu.uuid)) {
        problems.push(`GPU ${gpu.uuid} is listed twice`);
        continue;
      }
      seen.add(gpu.uuid);
      unique.push(gpu);
    }
    const bindings = await this.o.store.bindGpus(owner, hello.machineId, unique.map((g) => g.uuid), nowMs);
    const releases = new Map((hello.gpuReleases ?? []).map((r) => [r.uuid, r.signature]));
    const kept: HubGpu[] = [];
    for (const [i, gpu] of unique.entries()) {
      const binding = bindings[i]!;
      const mine = binding.owner === owner && binding.machineId === hello.machineId;
      if (!mine) {
        const moved: GpuBinding = { gpuUuid: gpu.uuid, owner, machineId: hello.machineId, boundAtMs: nowMs };
        if (binding.owner === owner) {
          // The owner's own session is its proof; the machine it leaves must be offline.
          const holder = this.gpuOwners.get(gpu.uuid);
          const holderWorker = holder === undefined ? undefined : this.o.workers.get(holder);
          if ((holderWorker?.link || holderWorker?.remoteInstance) && holderWorker.machineId === binding.machineId) {
            problems.push(`GPU ${gpu.uuid} is already registered by another of your machines that is online (${holder})`);
            continue;
          }
        } else {
          const signature = releases.get(gpu.uuid);
          const released = signature !== undefined && verifyWalletSignature(binding.owner, new TextEncoder().encode(gpuReleaseMessage(gpu.uuid, owner)), signature);
          if (!released) {
            problems.push(`GPU ${gpu.uuid} is bound to another owner's machine; it can move only with a release signed by that owner's wallet`);
            continue;
          }
        }
        await this.o.store.moveGpuBinding(moved);
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
        worker.link?.send({ type: 'heartbeat.ack', seq: message.seq, sentAtMs: message.sentAtMs, hubNowMs: this.o.clock.nowMs() });
        return;
      case 'offer.publish':
        return this.publish(worker, message);
      case 'offer.withdraw': {
        const offer = this.o.offers.get(message.offerId);
        if (!offer || offer.workerId !== worker.workerId) throw new HubError('not_found', `This machine has no offer ${message.offerId}.`, 'offer_not_found');
        this.o.offers.withdraw(message.offerId);
        await this.o.store.withdrawOffer(message.offerId, this.o.clock.nowMs());
        this.o.offerEvents?.withdrawn(worker.workerId, message.offerId);
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
      case 'mesh.publish':
      case 'mesh.observe':
      case 'mesh.view':
      case 'mesh.relay':
      case 'mesh.report': {
        if (!this.o.meshes) throw new HubError('unavailable', 'This hub runs no cluster mesh (its UDP relay is off); it cannot host multi-machine leases.', 'mesh_unavailable');
        const answer = await this.o.meshes.handle(worker.workerId, worker.owner, message);
        worker.link?.send({ type: 'mesh.reply', ref: message.ref, ...answer });
        return;
      }
      case 'lease.attest':
        this.o.leases.attestFromWorker(worker.workerId, message);
        return;
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
      trackRecord: hasTrackRecord(worker.facts),
    };
    const { gpuModel, vramMiB } = this.o.offers.validate(owner, message.terms, message.offerId);
    const nowMs = this.o.clock.nowMs();
    const offerId = message.offerId ?? makeId('ofr', this.o.random);
    const offer = this.o.offers.upsert(owner, offerId, message.terms, gpuModel, vramMiB);
    const stored: StoredOffer = { offerId, workerId: worker.workerId, gpuModel, vramMiB, terms: message.terms, createdAtMs: nowMs, updatedAtMs: nowMs };
    await this.o.store.saveOffer(stored);
    this.o.offerEvents?.saved(stored);
    worker.link?.send({ type: 'offer.published', ref: message.ref, offer: this.o.offers.toWire(offer, nowMs) });
  }
}
