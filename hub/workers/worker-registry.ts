import type { HubToWorkerMessage } from '../../common/hub/worker-messages';
import type { WorkerHardware } from '../../common/hub/market-types';
import { NO_FACTS } from '../store/hub-store';
import type { HubStore, PresenceEntry, StoredWorker, WorkerFacts } from '../store/hub-store';
import type { HubClock } from '../support/hub-clock';
import { workerScore, workerUptime } from '../reputation/reputation-score';

const PRESENCE_SLICE = 500;

/** The hub's end of one worker socket. */
export interface WorkerLink {
  send(message: HubToWorkerMessage): void;
  close(code: number, reason: string): void;
  readonly remoteHost: string;
}

export interface LiveWorker {
  workerId: string;
  owner: string;
  machineId: string;
  hardware: WorkerHardware;
  region: string;
  advertisedHost: string | null;
  /** The address the hub saw on the worker's last connection. */
  remoteHost: string | null;
  firstSeenMs: number;
  /** Online time already written to the store. */
  storedOnlineMs: number;
  /** Online time since the last flush, not yet written. */
  unflushedOnlineMs: number;
  onlineSinceMs: number | null;
  lastHeartbeatMs: number;
  link: WorkerLink | null;
  /** The other hub instance holding this worker's socket (several instances on one database), or null. */
  remoteInstance: string | null;
  facts: WorkerFacts;
  reliability: number;
}

export interface PresenceListener {
  /** `local`: its socket is on this instance (not on another instance of the same database). */
  online(worker: LiveWorker, local: boolean): void;
  offline(worker: LiveWorker, why: string, local: boolean): void;
}

export interface WorkerRegistryDeps {
  store: HubStore;
  clock: HubClock;
  heartbeatIntervalMs: number;
  /** Heartbeats missed in a row before a worker counts as offline. */
  missedHeartbeats: number;
  listener: PresenceListener;
}

/**
 * Every worker the hub knows, online or not. Heartbeats only touch memory; online time is
 * written in batches (`flushPresence`), because thousands of workers heartbeating must
 * not mean thousands of disk writes a second. A worker is offline when its socket closes
 * or when `missedHeartbeats` intervals pass without a heartbeat (a half-open connection
 * behind a NAT can stay "open" for minutes).
 */
export class WorkerRegistry {
  private readonly workers = new Map<string, LiveWorker>();
  private onlineCount = 0;

  constructor(private readonly options: WorkerRegistryDeps) {}

  async load(): Promise<void> {
    const facts = new Map((await this.options.store.listWorkerFacts()).map((f) => [f.workerId, f]));
    const nowMs = this.options.clock.nowMs();
    for (const w of await this.options.store.listWorkers()) {
      const live = this.fromStored(w, facts.get(w.workerId));
      live.reliability = this.score(live, nowMs);
      this.workers.set(w.workerId, live);
    }
  }

  get(workerId: string): LiveWorker | undefined {
    return this.workers.get(workerId);
  }

  all(): IterableIterator<LiveWorker> {
    return this.workers.values();
  }

  get online(): number {
    return this.onlineCount;
  }

  /** Online here or on another instance of the same database. */
  isOnline(workerId: string): boolean {
    const worker = this.workers.get(workerId);
    return worker !== undefined && (worker.link !== null || worker.remoteInstance !== null);
  }

  /**
   * Another instance holds this worker's socket now. A socket of it still open here is
   * stale (the machine reconnected elsewhere) and is closed without an offline event.
   */
  async remoteOnline(stored: StoredWorker, instanceId: string, remoteHost: string | null): Promise<LiveWorker> {
    let worker = this.workers.get(stored.workerId);
    if (!worker) {
      worker = this.fromStored(stored, await this.options.store.workerFacts(stored.workerId));
      worker.reliability = this.score(worker, this.options.clock.nowMs());
      this.workers.set(stored.workerId, worker);
    } else {
      worker.hardware = stored.hardware;
      worker.region = stored.region;
      worker.advertisedHost = stored.advertisedHost;
    }
    worker.remoteHost = remoteHost;
    const wasOnline = worker.link !== null || worker.remoteInstance !== null;
    if (worker.link) {
      const link = worker.link;
      this.dropLink(worker);
      link.close(4409, 'replaced by a newer connection from the same machine (on another hub instance)');
    }
    worker.remoteInstance = instanceId;
    if (!wasOnline) {
      this.onlineCount += 1;
      this.options.listener.online(worker, false);
    }
    return worker;
  }

  /** The worker's socket on `instanceId` closed, or that instance is gone. Ignored when it is held elsewhere by now. */
  remoteOffline(workerId: string, instanceId: string, why: string): void {
    const worker = this.workers.get(workerId);
    if (!worker || worker.remoteInstance !== instanceId) return;
    worker.remoteInstance = null;
    this.onlineCount -= 1;
    this.options.listener.offline(worker, why, false);
  }

  /** Workers held by instances that are no longer alive go offline. */
  instancesGone(alive: ReadonlySet<string>): LiveWorker[] {
    const gone: LiveWorker[] = [];
    for (const worker of this.workers.values()) {
      if (worker.remoteInstance !== null && !alive.has(worker.remoteInstance)) {
        gone.push(worker);
        this.remoteOffline(worker.workerId, worker.remoteInstance, `its hub instance ${worker.remoteInstance} is gone`);
      }
    }
    return gone;
  }

  /** Workers whose socket is on this instance. */
  *local(): IterableIterator<LiveWorker> {
    for (const worker of this.workers.values()) if (worker.link) yield worker;
  }

  /** Registers (or resumes) the worker of a hello and attaches its socket. */
  async connect(stored: StoredWorker, link: WorkerLink): Promise<LiveWorker> {
    const nowMs = this.options.clock.nowMs();
    let worker = this.workers.get(stored.workerId);
    if (!worker) {
      worker = this.fromStored(stored, await this.options.store.workerFacts(stored.workerId));
      this.workers.set(stored.workerId, worker);
    } else {
      worker.hardware = stored.hardware;
      worker.region = stored.region;
      worker.advertisedHost = stored.advertisedHost;
    }
    const previous = worker.link;
    const wasRemote = worker.remoteInstance !== null;
    worker.remoteInstance = null;
    if (previous) {
      // The same machine connected again (a reconnect that beat the old socket's close):
      // the new socket wins; the old one is closed and its close is ignored.
      worker.link = null;
      previous.close(4409, 'replaced by a newer connection from the same machine');
    } else {
      if (!wasRemote) this.onlineCount += 1;
      worker.onlineSinceMs = nowMs;
    }
    worker.link = link;
    worker.remoteHost = link.remoteHost;
    worker.lastHeartbeatMs = nowMs;
    // Listed already when it was online on another instance; the others still hear it moved.
    if (!previous) this.options.listener.online(worker, true);
    return worker;
  }

  heartbeat(worker: LiveWorker): void {
    worker.lastHeartbeatMs = this.options.clock.nowMs();
  }

  /** The socket closed. Ignored when it is not the worker's current socket. */
  disconnect(workerId: string, link: WorkerLink, why: string): void {
    const worker = this.workers.get(workerId);
    if (!worker || worker.link !== link) return;
    this.goOffline(worker, why);
  }

  /** Marks workers whose heartbeats stopped as offline and closes their sockets. */
  sweep(): LiveWorker[] {
    const nowMs = this.options.clock.nowMs();
    const limitMs = this.options.heartbeatIntervalMs * this.options.missedHeartbeats;
    const gone: LiveWorker[] = [];
    for (const worker of this.workers.values()) {
      if (worker.link && nowMs - worker.lastHeartbeatMs > limitMs) {
        const link = worker.link;
        this.goOffline(worker, `no heartbeat for ${nowMs - worker.lastHeartbeatMs} ms`);
        link.close(4408, 'heartbeats stopped');
        gone.push(worker);
      }
    }
    return gone;
  }

  send(workerId: string, message: HubToWorkerMessage): boolean {
    const link = this.workers.get(workerId)?.link;
    if (!link) return false;
    link.send(message);
    return true;
  }

  /**
   * Writes the online time gathered since the last flush. In slices, yielding between them:
   * one transaction for 20,000 workers would hold the event loop long enough to delay
   * every heartbeat in flight.
   */
  async flushPresence(): Promise<void> {
    const nowMs = this.options.clock.nowMs();
    const entries: PresenceEntry[] = [];
    for (const worker of this.workers.values()) {
      if (worker.onlineSinceMs !== null) {
        worker.unflushedOnlineMs += nowMs - worker.onlineSinceMs;
        worker.onlineSinceMs = nowMs;
      }
      if (worker.unflushedOnlineMs > 0 || worker.link) {
        entries.push({ workerId: worker.workerId, addOnlineMs: worker.unflushedOnlineMs, lastSeenMs: worker.link ? nowMs : worker.lastHeartbeatMs });
        worker.storedOnlineMs += worker.unflushedOnlineMs;
        worker.unflushedOnlineMs = 0;
      }
    }
    for (let i = 0; i < entries.length; i += PRESENCE_SLICE) {
      if (i > 0) await new Promise((resolve) => setImmediate(resolve));
      await this.options.store.recordPresence(entries.slice(i, i + PRESENCE_SLICE));
    }
  }

  /** Recomputes every worker's score from its facts; returns the workers whose score changed. */
  rescore(): LiveWorker[] {
    const nowMs = this.options.clock.nowMs();
    const changed: LiveWorker[] = [];
    for (const worker of this.workers.values()) {
      const score = this.score(worker, nowMs);
      if (score !== worker.reliability) {
        worker.reliability = score;
        changed.push(worker);
      }
    }
    return changed;
  }

  onlineMs(worker: LiveWorker, nowMs: number): number {
    return worker.storedOnlineMs + worker.unflushedOnlineMs + (worker.onlineSinceMs === null ? 0 : nowMs - worker.onlineSinceMs);
  }

  uptime(worker: LiveWorker, nowMs: number): number {
    return workerUptime(this.onlineMs(worker, nowMs), nowMs - worker.firstSeenMs);
  }

  private score(worker: LiveWorker, nowMs: number): number {
    return workerScore({ facts: worker.facts, onlineMs: this.onlineMs(worker, nowMs), knownForMs: nowMs - worker.firstSeenMs });
  }

  private goOffline(worker: LiveWorker, why: string): void {
    this.dropLink(worker);
    this.onlineCount -= 1;
    this.options.listener.offline(worker, why, true);
  }

  /** Stops counting this socket's online time (the worker may stay online elsewhere). */
  private dropLink(worker: LiveWorker): void {
    const nowMs = this.options.clock.nowMs();
    if (worker.onlineSinceMs !== null) worker.unflushedOnlineMs += nowMs - worker.onlineSinceMs;
    worker.onlineSinceMs = null;
    worker.link = null;
  }

  private fromStored(w: StoredWorker, facts: WorkerFacts | undefined): LiveWorker {
    return {
      workerId: w.workerId,
      owner: w.owner,
      machineId: w.machineId,
      hardware: w.hardware,
      region: w.region,
      advertisedHost: w.advertisedHost,
      remoteHost: null,
      firstSeenMs: w.firstSeenMs,
      storedOnlineMs: w.onlineMs,
      unflushedOnlineMs: 0,
      onlineSinceMs: null,
      lastHeartbeatMs: w.lastSeenMs,
      link: null,
      remoteInstance: null,
      facts: facts ?? { workerId: w.workerId, ...NO_FACTS },
      reliability: 0.5,
    };
  }
}
