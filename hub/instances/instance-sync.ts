import { hasTrackRecord } from '../reputation/reputation-score';
import type { LeaseEvent } from '../../common/hub/renter-messages';
import type { HubToWorkerMessage } from '../../common/hub/worker-messages';
import type { Logger } from '../../common/logger';
import type { LeaseService } from '../leases/lease-service';
import type { OfferBook } from '../market/offer-book';
import type { HubStore, StoredOffer } from '../store/hub-store';
import type { LiveWorker, WorkerRegistry } from '../workers/worker-registry';
import type { InstanceBus, InstanceEvent } from './instance-bus';

export interface InstanceSyncDeps {
  bus: InstanceBus;
  store: HubStore;
  workers: WorkerRegistry;
  offers: OfferBook;
  leases: LeaseService;
  /** Delivers to this instance's renter subscriptions of the lease. */
  publishToRenters(leaseId: string, event: LeaseEvent): void;
  logger: Logger;
}

/**
 * Keeps this instance's live state in step with the other instances of one database, and
 * carries messages to the instance that holds a socket. What each instance caches, and what
 * keeps it fresh:
 * - the worker registry's online set: `worker.online` / `worker.offline` (and a roll call
 *   when an instance joins; workers of an instance that died go offline when the deadline
 *   keeper finds its bus session gone);
 * - the offer book: `offer.saved` / `offer.withdrawn`;
 * - active leases and the GPUs they hold: `lease.changed` → reload from the store;
 * - sockets: `to.worker` is delivered by the instance holding that worker's socket,
 *   `to.renter` by every instance to its own subscribers.
 */
export class InstanceSync {
  constructor(private readonly o: InstanceSyncDeps) {}

  /** Starts handling the others' events and asks them who they hold. */
  start(): void {
    this.o.bus.subscribe((from, event) => this.apply(from, event));
    this.o.bus.publish({ type: 'instance.joined' });
  }

  workerOnline(worker: LiveWorker): void {
    this.o.bus.publish({ type: 'worker.online', worker: this.stored(worker), remoteHost: worker.remoteHost });
  }

  workerOffline(workerId: string): void {
    this.o.bus.publish({ type: 'worker.offline', workerId });
  }

  offerSaved(offer: StoredOffer): void {
    this.o.bus.publish({ type: 'offer.saved', offer });
  }

  offerWithdrawn(workerId: string, offerId: string): void {
    this.o.bus.publish({ type: 'offer.withdrawn', workerId, offerId });
  }

  leaseChanged(lease: { leaseId: string; state: string; placement: { nodes: ReadonlyArray<{ workerId: string; gpuUuids: string[] }> } }): void {
    const holds = lease.placement.nodes.map((n) => ({ workerId: n.workerId, gpuUuids: n.gpuUuids }));
    this.o.bus.publish({ type: 'lease.changed', leaseId: lease.leaseId, ended: lease.state === 'ended', holds });
  }

  /** For a worker whose socket is not on this instance. */
  toWorker(workerId: string, message: HubToWorkerMessage): void {
    this.o.bus.publish({ type: 'to.worker', workerId, message });
  }

  toRenters(leaseId: string, event: LeaseEvent): void {
    this.o.bus.publish({ type: 'to.renter', leaseId, event });
  }

  /** Workers held by instances whose bus session ended (killed, or cut off) go offline here. */
  async sweepGoneInstances(): Promise<void> {
    const alive = await this.o.bus.liveInstances();
    alive.add(this.o.bus.instanceId);
    for (const worker of this.o.workers.instancesGone(alive)) this.o.logger.info({ workerId: worker.workerId }, 'the hub instance holding this worker is gone');
  }

  private async apply(from: string, event: InstanceEvent): Promise<void> {
    try {
      switch (event.type) {
        case 'instance.joined':
          for (const worker of this.o.workers.local()) this.workerOnline(worker);
          return;
        case 'worker.online':
          await this.o.workers.remoteOnline(event.worker, from, event.remoteHost);
          return;
        case 'worker.offline':
          this.o.workers.remoteOffline(event.workerId, from, 'its socket on another hub instance closed');
          return;
        case 'offer.saved': {
          const worker = this.o.workers.get(event.offer.workerId);
          if (!worker) return;
          const owner = { workerId: worker.workerId, supplier: worker.owner, region: worker.region, gpus: worker.hardware.gpus, reliability: worker.reliability, trackRecord: hasTrackRecord(worker.facts) };
          this.o.offers.upsert(owner, event.offer.offerId, event.offer.terms, event.offer.gpuModel, event.offer.vramMiB);
          return;
        }
        case 'offer.withdrawn':
          if (this.o.offers.get(event.offerId)?.workerId === event.workerId) this.o.offers.withdraw(event.offerId);
          return;
        case 'lease.changed':
          // Holds now, the whole lease when the store answers: the reload is not awaited, so
          // the next events are not held up behind a database round trip (a lease's own
          // reloads stay in order; a node report for a lease not yet reloaded reloads it).
          this.o.leases.noteHolds(event.leaseId, event.ended, event.holds);
          this.o.leases.refresh(event.leaseId).catch((error: unknown) => this.o.logger.error({ err: error, leaseId: event.leaseId }, 'a lease changed by another hub instance could not be reloaded'));
          return;
        case 'to.worker':
          this.o.workers.send(event.workerId, event.message);
          return;
        case 'to.renter':
          if (event.event.type === 'lease.log') this.o.leases.rememberLog(event.event);
          this.o.publishToRenters(event.leaseId, event.event);
          return;
      }
    } catch (error) {
      this.o.logger.error({ err: error, from, event: event.type }, 'an event from another hub instance could not be applied');
    }
  }

  private stored(worker: LiveWorker) {
    return {
      workerId: worker.workerId,
      owner: worker.owner,
      machineId: worker.machineId,
      hardware: worker.hardware,
      region: worker.region,
      advertisedHost: worker.advertisedHost,
      firstSeenMs: worker.firstSeenMs,
      lastSeenMs: worker.lastHeartbeatMs,
      onlineMs: worker.storedOnlineMs,
    };
  }
}
