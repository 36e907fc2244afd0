import type { Offer, OfferTerms } from '../../common/hub/market-types';
import { HubError } from '../../common/hub/hub-errors';
import type { FreeGpuIndex } from '../placement/free-gpu-index';
import type { LiveOffer } from './live-offer';
import { priceSortKey } from './live-offer';
import { gpuPerformanceTflops } from './gpu-performance';
import type { OfferSearch } from './offer-search';

/** The worker facts an offer needs: who is paid, where it is, what GPUs it has. */
export interface OfferOwner {
  workerId: string;
  supplier: string;
  region: string;
  gpus: ReadonlyArray<{ uuid: string; model: string; vramMiB: number }>;
  reliability: number;
  /** False while nothing is known of the worker yet (reputation-score.ts `hasTrackRecord`). */
  trackRecord: boolean;
}

/**
 * Every published offer, and which GPUs leases hold. It keeps the search index and the
 * placement index in step: an offer is listed while its worker is online, and its free
 * GPUs are its GPUs minus those any active lease holds. Reservations are kept per worker
 * and GPU (not per offer), so they survive an offer being re-published or withdrawn and
 * are restored from the active leases after a hub restart.
 */
export class OfferBook {
  private readonly offers = new Map<string, LiveOffer>();
  private readonly byWorker = new Map<string, Set<LiveOffer>>();
  private readonly listedWorkers = new Set<string>();
  /** Offers currently in the search and placement indexes. */
  private readonly listedOffers = new Set<LiveOffer>();
  /** workerId → GPU uuid → lease id holding it. */
  private readonly held = new Map<string, Map<string, string>>();
  /** Leases holding GPUs without having paid yet (reservations from a quote). */
  private readonly unpaidLeases = new Set<string>();
  /** workerId → how many GPUs the machine reports (the base of the unpaid share). */
  private readonly machineGpus = new Map<string, number>();

  /**
   * `unpaidMachineShare`: the most of any machine's GPUs that unpaid reservations may hold
   * together (at least one GPU); 1 = no cap. Quotes are free, so without it a caller could
   * hold every GPU of every machine for nothing (issue 14.4).
   */
  constructor(
    private readonly search: OfferSearch,
    private readonly freeIndex: FreeGpuIndex,
    private readonly unpaidMachineShare = 1,
  ) {}

  get(offerId: string): LiveOffer | undefined {
    return this.offers.get(offerId);
  }

  ofWorker(workerId: string): LiveOffer[] {
    return [...(this.byWorker.get(workerId) ?? [])];
  }

  /** Checks terms against the worker's hardware; throws a HubError that says what to fix. */
  validate(owner: OfferOwner, terms: OfferTerms, replacingOfferId: string | undefined): { gpuModel: string; vramMiB: number } {
    const gpus = terms.gpuUuids.map((uuid) => owner.gpus.find((g) => g.uuid === uuid));
    const missing = terms.gpuUuids.filter((_, i) => !gpus[i]);
    if (missing.length > 0) {
      throw new HubError('invalid_message', `This machine did not register GPU ${missing.join(', ')}. Offer only GPUs listed in the hello.`, 'gpu_not_registered');
    }
    const models = new Set(gpus.map((g) => g!.model));
    if (models.size > 1) {
      throw new HubError('invalid_message', `An offer holds GPUs of one model; this one mixes ${[...models].join(' and ')}. Publish one offer per model.`, 'offer_mixes_models');
    }
    for (const other of this.byWorker.get(owner.workerId) ?? []) {
      if (other.offerId === replacingOfferId) continue;
      const shared = other.terms.gpuUuids.filter((u) => terms.gpuUuids.includes(u));
      if (shared.length > 0) {
        throw new HubError('conflict', `GPU ${shared.join(', ')} is already in offer ${other.offerId}. Withdraw that offer or leave the GPU out.`, 'gpu_in_other_offer');
      }
    }
    return { gpuModel: gpus[0]!.model, vramMiB: Math.min(...gpus.map((g) => g!.vramMiB)) };
  }

  /** Adds or replaces an offer (already validated). */
  upsert(owner: OfferOwner, offerId: string, terms: OfferTerms, gpuModel: string, vramMiB: number): LiveOffer {
    this.machineGpus.set(owner.workerId, owner.gpus.length);
    const existing = this.offers.get(offerId);
    if (existing) this.unlist(existing);
    const price = BigInt(terms.pricePerGpuHour);
    const offer: LiveOffer = {
      offerId,
      workerId: owner.workerId,
      supplier: owner.supplier,
      gpuModel,
      gpuModelLower: gpuModel.toLowerCase(),
      vramMiB,
      region: owner.region,
      terms,
      pricePerGpuHour: price,
      priceSort: priceSortKey(price),
      interruptible: terms.interruptible,
      minLeaseMs: terms.minLeaseMs,
      maxLeaseMs: terms.maxLeaseMs,
      schedule: terms.schedule,
      reliability: owner.reliability,
      trackRecord: owner.trackRecord,
      performance: gpuPerformanceTflops(gpuModel),
      freeGpus: [],
    };
    if (existing) this.byWorker.get(owner.workerId)?.delete(existing);
    this.offers.set(offerId, offer);
    let set = this.byWorker.get(owner.workerId);
    if (!set) this.byWorker.set(owner.workerId, (set = new Set()));
    set.add(offer);
    this.recomputeFree(offer);
    if (this.listedWorkers.has(owner.workerId)) this.list(offer);
    return offer;
  }

  withdraw(offerId: string): LiveOffer | null {
    const offer = this.offers.get(offerId);
    if (!offer) return null;
    this.unlist(offer);
    this.offers.delete(offerId);
    this.byWorker.get(offer.workerId)?.delete(offer);
    return offer;
  }

  /** A worker came online (list its offers) or went offline (hide them from search and placement). */
  setWorkerListed(workerId: string, listed: boolean): void {
    if (listed) this.listedWorkers.add(workerId);
    else this.listedWorkers.delete(workerId);
    for (const offer of this.byWorker.get(workerId) ?? []) {
      if (listed) this.list(offer);
      else this.unlist(offer);
    }
  }

  isWorkerListed(workerId: string): boolean {
    return this.listedWorkers.has(workerId);
  }

  /** Takes `count` free GPUs of an offer for a lease; called inside placement's critical section. */
  take(offer: LiveOffer, count: number, leaseId: string): string[] {
    const gpus = offer.freeGpus.slice(0, count);
    if (gpus.length !== count) throw new Error(`offer ${offer.offerId} has ${offer.freeGpus.length} free GPUs, not ${count}`);
    this.hold(offer.workerId, gpus, leaseId, true);
    return gpus;
  }

  /** The lease's first increment is paid: its GPUs no longer count against the unpaid share. */
  markPaid(leaseId: string, workerIds: readonly string[]): void {
    if (!this.unpaidLeases.delete(leaseId)) return;
    for (const workerId of new Set(workerIds)) this.refreshWorker(workerId);
  }

  /** Marks GPUs as held by a lease (placement, or restoring active leases after a restart). */
  /**
   * `replace`: the store says this lease holds them (another hub instance placed it), so it
   * wins over a hold of this instance's own quote still being written (the store refuses that one).
   */
  hold(workerId: string, gpuUuids: readonly string[], leaseId: string, unpaid = false, replace = false): void {
    if (unpaid) this.unpaidLeases.add(leaseId);
    let held = this.held.get(workerId);
    if (!held) this.held.set(workerId, (held = new Map()));
    for (const uuid of gpuUuids) {
      const holder = held.get(uuid);
      if (holder !== undefined && holder !== leaseId && !replace) throw new Error(`GPU ${uuid} of ${workerId} is already held by ${holder}`);
      held.set(uuid, leaseId);
    }
    this.refreshWorker(workerId);
  }

  /** Frees the GPUs a lease held on a worker. */
  release(workerId: string, gpuUuids: readonly string[], leaseId: string): void {
    const held = this.held.get(workerId);
    if (!held) return;
    for (const uuid of gpuUuids) if (held.get(uuid) === leaseId) held.delete(uuid);
    if (held.size === 0) this.held.delete(workerId);
    // Callers release every node of a lease together (it ended, or its quote failed).
    this.unpaidLeases.delete(leaseId);
    this.refreshWorker(workerId);
  }

  heldGpuCount(workerId: string): number {
    return this.held.get(workerId)?.size ?? 0;
  }

  setReliability(workerId: string, reliability: number, trackRecord: boolean): void {
    for (const offer of this.byWorker.get(workerId) ?? []) {
      offer.reliability = reliability;
      offer.trackRecord = trackRecord;
    }
  }

  /** Call after a batch of setReliability. */
  reliabilityChanged(): void {
    this.search.resortByReliability();
  }

  toWire(offer: LiveOffer, updatedAtMs: number): Offer {
    return {
      offerId: offer.offerId,
      workerId: offer.workerId,
      supplier: offer.supplier,
      gpuModel: offer.gpuModel,
      vramMiB: offer.vramMiB,
      terms: offer.terms,
      updatedAtMs,
    };
  }

  private refreshWorker(workerId: string): void {
    for (const offer of this.byWorker.get(workerId) ?? []) {
      this.recomputeFree(offer);
      // The search index filters on the free count when it scans; placement files by it.
      if (this.listedOffers.has(offer)) this.freeIndex.update(offer);
    }
  }

  /**
   * Free = not held by any lease, and within what unpaid reservations may still take of
   * this machine (every new hold comes from a quote, so it is unpaid at first).
   */
  private recomputeFree(offer: LiveOffer): void {
    const held = this.held.get(offer.workerId);
    const free = held ? offer.terms.gpuUuids.filter((u) => !held.has(u)) : [...offer.terms.gpuUuids];
    if (this.unpaidMachineShare >= 1) {
      offer.freeGpus = free;
      return;
    }
    const machine = this.machineGpus.get(offer.workerId) ?? offer.terms.gpuUuids.length;
    // A machine of one or two GPUs (most gamers' rigs) cannot be split usefully: capping it
    // would make it unrentable as a whole, so the share applies from three GPUs up.
    const cap = machine <= 2 ? machine : Math.max(2, Math.floor(this.unpaidMachineShare * machine));
    let unpaid = 0;
    if (held) for (const leaseId of held.values()) if (this.unpaidLeases.has(leaseId)) unpaid += 1;
    offer.freeGpus = free.slice(0, Math.max(0, cap - unpaid));
  }

  private list(offer: LiveOffer): void {
    if (this.listedOffers.has(offer)) return;
    this.listedOffers.add(offer);
    this.search.add(offer);
    this.freeIndex.update(offer);
  }

  private unlist(offer: LiveOffer): void {
    if (!this.listedOffers.delete(offer)) return;
    this.search.remove(offer);
    this.freeIndex.remove(offer);
  }
}
