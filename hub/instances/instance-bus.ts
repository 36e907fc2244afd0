import type { LeaseEvent } from '../../common/hub/renter-messages';
import type { HubToWorkerMessage } from '../../common/hub/worker-messages';
import type { StoredOffer, StoredWorker } from '../store/hub-store';

/**
 * What one hub instance tells the others that serve the same database. Each instance keeps
 * its own live state (the worker registry, the offer book and free-GPU index, the active
 * leases); these events keep the copies in step, and carry messages to the instance that
 * holds a worker's or a renter's socket.
 */
export type InstanceEvent =
  /** This instance started: everyone says which workers they hold (a newcomer learns who is online). */
  | { type: 'instance.joined' }
  /** A worker's socket is now on the sender. */
  | { type: 'worker.online'; worker: StoredWorker; remoteHost: string | null }
  /** The worker's socket on the sender closed (ignored when the worker is held elsewhere by now). */
  | { type: 'worker.offline'; workerId: string }
  | { type: 'offer.saved'; offer: StoredOffer }
  | { type: 'offer.withdrawn'; workerId: string; offerId: string }
  /**
   * A lease's rows changed: reload it from the store (the store is the referee). `holds`
   * (the GPUs it holds, or held when `ended`) let the others mark them at once, before the
   * reload: the sooner they do, the fewer of their quotes pick a GPU just taken.
   */
  | { type: 'lease.changed'; leaseId: string; ended: boolean; holds: LeaseHold[] }
  /** For the instance holding this worker's socket. */
  | { type: 'to.worker'; workerId: string; message: HubToWorkerMessage }
  /** For every renter subscribed to this lease, on any instance. */
  | { type: 'to.renter'; leaseId: string; event: LeaseEvent };

export interface LeaseHold {
  workerId: string;
  gpuUuids: string[];
}

export type InstanceEventHandler = (from: string, event: InstanceEvent) => Promise<void> | void;

export interface InstanceBus {
  /** This instance's id (unique per process start). */
  readonly instanceId: string;
  /**
   * Sends to every other instance. Events of one instance arrive in the order they were
   * published; each receiver handles them one at a time in that order.
   */
  publish(event: InstanceEvent): void;
  /** Events published before the handler was set are kept and handed to it first. */
  subscribe(handler: InstanceEventHandler): void;
  /** The instances whose bus connection is alive now (a killed instance's is gone). */
  liveInstances(): Promise<Set<string>>;
  close(): Promise<void>;
}
