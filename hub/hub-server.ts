import { hasTrackRecord } from './reputation/reputation-score';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { join } from 'node:path';
import { HUB_PROTOCOL_VERSION, HUB_RENTER_WS_PATH, HUB_WORKER_WS_PATH } from '../common/hub/hub-protocol';
import { HubError } from '../common/hub/hub-errors';
import type { HubInfo } from '../common/hub/http-api';
import { hubIdOf } from '../common/money/payment-memo';
import type { Token } from '../common/money/token';
import { PAYMENT_TOKEN } from '../common/money/token-registry';
import { SessionTokens } from './auth/session-tokens';
import { SignInChallenges } from './auth/sign-in-challenges';
import { ExplorerStatsService } from './explorer/explorer-stats';
import { DEFAULT_EXPLORER_SERIES_TIMING, ExplorerSeriesRecorder } from './explorer/explorer-series';
import { ConnectionGuard } from './gateway/connection-guard';
import { PublicExplorerPage } from './explorer/public-explorer-page';
import { RateLimiter } from './gateway/rate-limiter';
import { RenterGateway } from './gateway/renter-gateway';
import { WorkerGateway } from './gateway/worker-gateway';
import { AccessRelay } from './gateway/access-relay';
import type { AccessRelayLimits } from './gateway/access-relay';
import { HUB_ACCESS_RENTER_WS_PATH, HUB_ACCESS_WORKER_WS_PATH } from '../common/access/access-protocol';
import { HubHttpApi } from './http/hub-http-api';
import { checkHubExposure, loopbackOrigin } from './http/public-origin';
import { LeaseService } from './leases/lease-service';
import { OfferBook } from './market/offer-book';
import { OfferSearch } from './market/offer-search';
import type { PaymentCheck } from './payments/payment-check';
import { FreeGpuIndex } from './placement/free-gpu-index';
import { GangPlacement } from './placement/gang-placement';
import type { HubStore } from './store/hub-store';
import { SqliteHubStore } from './store/sqlite-hub-store';
import type { HubClock, RandomBytes } from './support/hub-clock';
import { secureRandomBytes, systemClock } from './support/hub-clock';
import { WorkerRegistry } from './workers/worker-registry';
import { WorkerSessions } from './workers/worker-sessions';
import { LeaseMeshes } from './mesh/lease-meshes';
import { MeshSignals } from './mesh/mesh-signals';
import type { MeshMatrix } from '../common/mesh';
import type { Logger } from '../common/logger';
import type { DeadlineKeeper } from './instances/deadline-keeper';
import { SOLE_KEEPER } from './instances/deadline-keeper';
import type { InstanceBus } from './instances/instance-bus';
import { InstanceSync } from './instances/instance-sync';

/** Every interval the hub runs on, in ms. Defaults suit a real market; tests shrink them. */
export interface HubTiming {
  heartbeatIntervalMs: number;
  missedHeartbeats: number;
  /** One prepaid increment of a lease. */
  incrementMs: number;
  /** How late an increment may be paid before the machines stop. */
  graceMs: number;
  /** How long GPUs are held for an unpaid quote. */
  reservationTtlMs: number;
  supplierLostGraceMs: number;
  /**
   * Paid leases must have every machine running within this (pull included), or they
   * end as supplier-failed and count against those suppliers: a machine that cannot
   * start what it was paid for must not keep the money quietly.
   */
  startDeadlineMs: number;
  /** A machine that ended a paid lease on its side must refund the unused time within this, or lose reputation and be flagged. */
  refundDeadlineMs: number;
  helloTimeoutMs: number;
  /** How often deadlines and heartbeats are checked. */
  tickMs: number;
  presenceFlushMs: number;
  rescoreMs: number;
  /** How often the hub samples its explorer series (the fine interval; older points are rolled up hourly). */
  explorerSampleMs: number;
}

export const DEFAULT_HUB_TIMING: HubTiming = {
  heartbeatIntervalMs: 5_000,
  missedHeartbeats: 3,
  incrementMs: 10 * 60_000,
  graceMs: 60_000,
  // Verify, then pay (issue 13): a quote holds its GPUs while every node pulls, starts its
  // GPU check and proves itself, and the renter pays. attestationHold() of a catalog
  // GPU is about 16 min (10 min pull bound + 3 min ready + deadline + 30 s
  // opening + 2 min payment), 19.5 min for a 48 GiB GPU of unknown model (the catalog's
  // slowest class); a hold that lapsed earlier would free GPUs that had proved
  // themselves. hub-server-timing.test.ts checks the default still covers it.
  reservationTtlMs: 20 * 60_000,
  supplierLostGraceMs: 60_000,
  startDeadlineMs: 15 * 60_000,
  refundDeadlineMs: 30 * 60_000,
  helloTimeoutMs: 10_000,
  tickMs: 1_000,
  presenceFlushMs: 30_000,
  rescoreMs: 60_000,
  explorerSampleMs: 60_000,
};

export interface HubLimits {
  /** Worker socket messages per second per worker (heartbeats, events, log chunks), and the burst. */
  workerMessagesPerSec: number;
  workerBurst: number;
  /** Worker hellos per second per remote address, and the burst. */
  connectsPerSec: number;
  connectBurst: number;
  /** HTTP requests and renter socket messages per second per identity, and the burst. */
  requestsPerSec: number;
  requestBurst: number;
  maxIncrementsPerLease: number;
  maxReservationsPerRenter: number;
  /** TCP sockets (HTTP and both WebSockets) one remote address (an IPv6 /64) may hold at once. */
  maxSocketsPerAddress: number;
  /** Sign-in challenges waiting to be signed, per remote address and in all. */
  maxChallengesPerAddress: number;
  maxPendingChallenges: number;
  /** Unpaid reservations per remote address (many throwaway wallets, one address), and the GPUs they hold. */
  maxReservationsPerAddress: number;
  maxReservedGpusPerAddress: number;
  /** Unpaid reservations on the whole hub. */
  maxUnpaidReservations: number;
  /** The most of any machine's GPUs that unpaid reservations may hold together (at least one GPU). */
  unpaidMachineShare: number;
  /**
   * Cap new identities (issue 13): one lease at a time and a small increment value until
   * they have passed attestations and completed leases (reputation-score's workerExposure).
   * On for a grid's hub; the app's Sandbox hub (test money, one machine) turns it off.
   */
  newcomerCaps: boolean;
}

export const DEFAULT_HUB_LIMITS: HubLimits = {
  workerMessagesPerSec: 50,
  workerBurst: 200,
  connectsPerSec: 200,
  connectBurst: 1_000,
  requestsPerSec: 20,
  requestBurst: 100,
  maxIncrementsPerLease: 1_000,
  maxReservationsPerRenter: 10,
  maxSocketsPerAddress: 256,
  maxChallengesPerAddress: 64,
  maxPendingChallenges: 100_000,
  maxReservationsPerAddress: 10,
  maxReservedGpusPerAddress: 16,
  maxUnpaidReservations: 2_000,
  unpaidMachineShare: 0.5,
  newcomerCaps: true,
};

export interface HubChainConfig {
  /** "sandbox" | "devnet" | "mainnet" | "custom" */
  network: string;
  /** The token payments are made in: the registry's PAYMENT_TOKEN (USDC) unless given. */
  token?: Token;
  /** `token`'s mint on that network. */
  mint: string;
  rpcUrl: string | null;
  /** Null when the hub has no chain to check payments on: payments are then refused, never assumed. */
  payments: PaymentCheck | null;
}

export interface HubServerOptions {
  dataDir: string;
  host?: string;
  port?: number;
  /**
   * The origin clients reach the hub by (https://hub.example.org, or http://<LAN address>:port
   * on a private network): sign-in challenges name it and the app refuses any other.
   * Required when `host` is not loopback; on loopback it defaults to the hub's own URL.
   */
  publicOrigin?: string;
  /** The hub's id in payment memos; default hubIdOf the public origin's host (the Sandbox's embedded hub names itself). */
  hubId?: string;
  /** PEM certificate (chain) and key: the hub serves HTTPS and WSS itself. */
  tls?: { cert: string | Buffer; key: string | Buffer };
  chain: HubChainConfig;
  timing?: Partial<HubTiming>;
  limits?: Partial<HubLimits>;
  /** Node-access stream limits (issue 12): per lease, per renter, the open timeout. */
  access?: Partial<AccessRelayLimits>;
  clock?: HubClock;
  random?: RandomBytes;
  /** Where the hub logs (the CLI: JSON lines on stdout; the app: its log files, scope 'hub'). */
  logger: Logger;
  /** Use this store instead of <dataDir>/hub.db. */
  store?: HubStore;
  /**
   * Several instances serving one database at once (PostgreSQL): the events between them and
   * who applies lease deadlines. Without it the hub is alone on its store and keeps them itself.
   */
  instances?: { bus: InstanceBus; keeper: DeadlineKeeper; goneCheckMs?: number };
  /**
   * The leases' cluster mesh (issue 11): the UDP endpoint observer and relay bind to
   * `udpHost` (default: `host`) on ports the system picks per lease, and nodes are told
   * `advertisedHost` (default: `udpHost`, or the public origin's host when bound to all
   * addresses). `false` runs no mesh: multi-machine leases then cannot form one.
   */
  mesh?: { udpHost?: string; advertisedHost?: string } | false;
}

export interface RunningHub {
  /** Where the hub listens (http(s)://host:port). */
  url: string;
  /** The origin its sign-in challenges name (see HubServerOptions.publicOrigin). */
  origin: string;
  port: number;
  server: Server;
  store: HubStore;
  workers: WorkerRegistry;
  offers: OfferBook;
  leases: LeaseService;
  timing: HubTiming;
  /** The node-access stream relay (terminals, forwards, files). */
  access: AccessRelay;
  /** Stops timers, says goodbye to every socket, writes presence and closes the store. */
  close(): Promise<void>;
}

const unavailableChain: PaymentCheck = {
  async verify() {
    throw new HubError('unavailable', 'This hub has no chain to verify payments on. Start it with --sandbox-chain or --rpc URL --mint M.', 'no_chain');
  },
};

/**
 * Builds the hub from its parts, rebuilds live state from the store (workers, offers,
 * active leases and the GPUs they hold), and serves HTTP and both WebSockets on one port.
 */
export async function startHub(options: HubServerOptions): Promise<RunningHub> {
  const timing: HubTiming = { ...DEFAULT_HUB_TIMING, ...options.timing };
  const limits: HubLimits = { ...DEFAULT_HUB_LIMITS, ...options.limits };
  const token = options.chain.token ?? PAYMENT_TOKEN;
  const clock = options.clock ?? systemClock;
  const random = options.random ?? secureRandomBytes;
  const host = options.host ?? '127.0.0.1';
  const configuredOrigin = checkHubExposure({ host, tls: options.tls !== undefined, ...(options.publicOrigin !== undefined ? { publicOrigin: options.publicOrigin } : {}) });
  mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  const store = options.store ?? new SqliteHubStore(join(options.dataDir, 'hub.db'));

  const search = new OfferSearch(token);
  const freeIndex = new FreeGpuIndex();
  const offers = new OfferBook(search, freeIndex, limits.unpaidMachineShare);
  const placement = new GangPlacement(freeIndex);
  let leases: LeaseService | null = null;
  // Known once the port is: leases are quoted only after the server listens.
  const hubId = { value: options.hubId ?? 'hub' };
  let sync: InstanceSync | null = null;
  const keeper = options.instances?.keeper ?? SOLE_KEEPER;
  const workers = new WorkerRegistry({
    store,
    clock,
    heartbeatIntervalMs: timing.heartbeatIntervalMs,
    missedHeartbeats: timing.missedHeartbeats,
    listener: {
      online: (w, local) => {
        offers.setWorkerListed(w.workerId, true);
        leases?.workerOnline(w.workerId);
        if (local) sync?.workerOnline(w);
      },
      offline: (w, _why, local) => {
        offers.setWorkerListed(w.workerId, false);
        leases?.workerOffline(w.workerId);
        if (local) sync?.workerOffline(w.workerId);
      },
    },
  });
  const sessions = new SessionTokens({ store, clock, random });
  let renterGateway: RenterGateway | null = null;
  const meshes = meshesOf(options, host, configuredOrigin, (leaseId, mesh) => renterGateway?.publish(leaseId, { type: 'lease.mesh', leaseId, mesh, atMs: clock.nowMs() }), (leaseId) => {
    const lease = leases?.get(leaseId);
    return lease && lease.state !== 'ended' ? { nodes: lease.placement.nodes.map((n) => ({ rank: n.rank, workerId: n.workerId, supplier: n.supplier })) } : null;
  });
  let accessRelay: AccessRelay | null = null;
  leases = new LeaseService({
    store,
    clock,
    random,
    offers,
    placement,
    workers,
    payments: options.chain.payments ?? unavailableChain,
    notifier: {
      toWorker: (workerId, message) => {
        if (!workers.send(workerId, message)) sync?.toWorker(workerId, message);
      },
      toRenter: (leaseId, event) => {
        renterGateway?.publish(leaseId, event);
        sync?.toRenters(leaseId, event);
        if (event.type === 'lease.state' && event.state === 'ended') meshes?.leaseEnded(leaseId);
        if (event.type === 'lease.state' && event.state === 'ended') accessRelay?.leaseEnded(leaseId, event.reason);
      },
    },
    onLeaseWritten: (lease) => sync?.leaseChanged(lease),
    terms: {
      token,
      mint: options.chain.mint,
      get hubId() {
        return hubId.value;
      },
      incrementMs: timing.incrementMs,
      graceMs: timing.graceMs,
      reservationTtlMs: timing.reservationTtlMs,
      supplierLostGraceMs: timing.supplierLostGraceMs,
      startDeadlineMs: timing.startDeadlineMs,
      refundDeadlineMs: timing.refundDeadlineMs,
      newcomerCaps: limits.newcomerCaps,
      maxIncrementsPerLease: limits.maxIncrementsPerLease,
      maxReservationsPerRenter: limits.maxReservationsPerRenter,
      maxReservationsPerAddress: limits.maxReservationsPerAddress,
      maxReservedGpusPerAddress: limits.maxReservedGpusPerAddress,
      maxUnpaidReservations: limits.maxUnpaidReservations,
    },
  });

  // Rebuild live state: workers (all offline until they reconnect), their offers, leases.
  await workers.load();
  for (const stored of await store.listActiveOffers()) {
    const worker = workers.get(stored.workerId);
    if (!worker) continue;
    const owner = { workerId: worker.workerId, supplier: worker.owner, region: worker.region, gpus: worker.hardware.gpus, reliability: worker.reliability, trackRecord: hasTrackRecord(worker.facts) };
    offers.upsert(owner, stored.offerId, stored.terms, stored.gpuModel, stored.vramMiB);
  }
  await leases.restore();

  const workerLimiter = new RateLimiter(clock, limits.workerMessagesPerSec, limits.workerBurst);
  const requestLimiter = new RateLimiter(clock, limits.requestsPerSec, limits.requestBurst);
  const workerSessions = new WorkerSessions({
    store,
    clock,
    random,
    sessions,
    workers,
    offers,
    leases,
    heartbeatIntervalMs: timing.heartbeatIntervalMs,
    meshes,
    offerEvents: { saved: (offer) => sync?.offerSaved(offer), withdrawn: (workerId, offerId) => sync?.offerWithdrawn(workerId, offerId) },
  });
  const connectLimiter = new RateLimiter(clock, limits.connectsPerSec, limits.connectBurst);
  const logger = options.logger;
  const workerGateway = new WorkerGateway({ logger, sessions: workerSessions, sessionTokens: sessions, workers, limiter: workerLimiter, connectLimiter, helloTimeoutMs: timing.helloTimeoutMs });
  renterGateway = new RenterGateway({ logger, sessions, leases, limiter: requestLimiter, helloTimeoutMs: timing.helloTimeoutMs, meshOf: (leaseId) => meshes?.matrixOf(leaseId) ?? null });
  accessRelay = new AccessRelay({ logger, sessions, leases, workers, nowMs: () => clock.nowMs(), helloTimeoutMs: timing.helloTimeoutMs, ...(options.access ? { limits: options.access } : {}) });
  const access = accessRelay;
  const explorer = new ExplorerStatsService(store, clock, workers, leases);
  const series = new ExplorerSeriesRecorder(store, clock, explorer, { ...DEFAULT_EXPLORER_SERIES_TIMING, fineMs: timing.explorerSampleMs });
  if (options.instances) {
    // The bus listened before the store was read above: events since then are applied now.
    sync = new InstanceSync({ bus: options.instances.bus, store, workers, offers, leases, publishToRenters: (leaseId, event) => renterGateway!.publish(leaseId, event), logger });
    sync.start();
  }

  const server: Server = options.tls
    ? createTlsServer({ cert: options.tls.cert, key: options.tls.key, handshakeTimeout: timing.helloTimeoutMs, minVersion: 'TLSv1.2' })
    : createServer();
  // A slow or silent client gets the hello timeout, not Node's minute of waiting for headers.
  server.headersTimeout = timing.helloTimeoutMs;
  server.requestTimeout = Math.max(30_000, timing.helloTimeoutMs);
  const guard = new ConnectionGuard({ maxSocketsPerAddress: limits.maxSocketsPerAddress, idleTimeoutMs: timing.helloTimeoutMs });
  guard.attach(server, !options.tls);
  if (options.tls) server.on('secureConnection', (socket: Socket) => guard.armIdleTimeout(socket));
  server.listen(options.port ?? 0, host);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const port = (server.address() as AddressInfo).port;
  const origin = configuredOrigin ?? loopbackOrigin(host, port, options.tls !== undefined);
  hubId.value = options.hubId ?? hubIdOf(new URL(origin).host);
  const info: HubInfo = {
    hubId: hubId.value,
    protocolVersion: HUB_PROTOCOL_VERSION,
    network: options.chain.network,
    token: token.symbol,
    mint: options.chain.mint,
    rpcUrl: options.chain.rpcUrl,
    incrementMs: timing.incrementMs,
    graceMs: timing.graceMs,
    reservationTtlMs: timing.reservationTtlMs,
    heartbeatIntervalMs: timing.heartbeatIntervalMs,
  };
  const challenges = new SignInChallenges({ domain: origin, clock, random, maxPending: limits.maxPendingChallenges, maxPendingPerRequester: limits.maxChallengesPerAddress });
  const api = new HubHttpApi({ logger, info, clock, store, challenges, sessions, search, leases, workers, explorer, series, limiter: requestLimiter });
  const explorerPage = new PublicExplorerPage();
  server.on('request', (req, res) => {
    if (explorerPage.serves(new URL(req.url ?? '/', 'http://hub.invalid').pathname)) explorerPage.handle(req, res);
    else api.handle(req, res);
  });
  server.on('upgrade', (req, socket, head) => {
    const path = new URL(req.url ?? '/', 'http://hub.invalid').pathname;
    if (path === HUB_WORKER_WS_PATH) workerGateway.handleUpgrade(req, socket, head);
    else if (path === HUB_RENTER_WS_PATH) renterGateway!.handleUpgrade(req, socket, head);
    else if (path === HUB_ACCESS_RENTER_WS_PATH) access.handleRenterUpgrade(req, socket, head);
    else if (path === HUB_ACCESS_WORKER_WS_PATH) access.handleWorkerUpgrade(req, socket, head);
    else socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
  });

  // Timers. Each run is skipped while the previous one is still writing.
  const timers: NodeJS.Timeout[] = [];
  const every = (ms: number, run: () => Promise<void> | void) => {
    let busy = false;
    const timer = setInterval(() => {
      if (busy) return;
      busy = true;
      Promise.resolve()
        .then(run)
        .catch((error: unknown) => logger.error({ err: error }, 'a periodic task failed'))
        .finally(() => (busy = false));
    }, ms);
    timer.unref();
    timers.push(timer);
  };
  // Deadlines are applied by one instance (the keeper); one that becomes keeper first reloads
  // every active lease and gives machines and renters the grace period, as after a restart.
  let keeping = keeper.held;
  every(timing.tickMs, async () => {
    workers.sweep();
    if (!keeper.held) return;
    if (!keeping) {
      await leases!.adoptDeadlines();
      keeping = true;
      logger.info({}, 'this hub instance now applies lease deadlines');
    }
    await leases!.tick();
  });
  every(timing.explorerSampleMs, async () => {
    if (keeper.held) await series.record();
  });
  // A first point at once: a new hub's explorer has a line to draw before the first interval.
  if (keeper.held) void series.record().catch((error: unknown) => logger.error({ err: error }, 'the explorer series could not be sampled'));
  if (sync) every(options.instances?.goneCheckMs ?? 2_000, () => sync!.sweepGoneInstances());
  every(timing.presenceFlushMs, () => workers.flushPresence());
  every(timing.rescoreMs, () => {
    const changed = workers.rescore();
    for (const w of changed) offers.setReliability(w.workerId, w.reliability, hasTrackRecord(w.facts));
    if (changed.length > 0) offers.reliabilityChanged();
  });
  every(Math.max(timing.rescoreMs, 60_000), async () => {
    workerLimiter.sweep();
    connectLimiter.sweep();
    requestLimiter.sweep();
    await store.deleteExpiredSessions(clock.nowMs());
  });

  let closed = false;
  return {
    url: loopbackOrigin(host, port, options.tls !== undefined),
    origin,
    port,
    server,
    store,
    workers,
    offers,
    leases,
    timing,
    access,
    async close() {
      if (closed) return;
      closed = true;
      for (const t of timers) clearInterval(t);
      workerGateway.closeAll(1001, 'hub shutting down');
      renterGateway!.closeAll(1001, 'hub shutting down');
      access.closeAll(1001, 'hub shutting down');
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      workerGateway.terminateAll();
      meshes?.dispose();
      await workers.flushPresence();
      await options.instances?.keeper.release();
      await options.instances?.bus.close();
      await store.close();
    },
  };
}

/** The hub's part of the leases' meshes, unless turned off (see HubServerOptions.mesh). */
function meshesOf(
  options: HubServerOptions,
  host: string,
  configuredOrigin: string | null | undefined,
  toRenter: (leaseId: string, mesh: MeshMatrix) => void,
  placementOf: (leaseId: string) => { nodes: Array<{ rank: number; workerId: string; supplier: string }> } | null,
): LeaseMeshes | null {
  if (options.mesh === false) return null;
  // A hub on loopback serves machines on this one host: their lease sidecars reach it at
  // their Docker network's gateway (MeshNode.reachable), so its UDP side listens on every
  // address while telling nodes 127.0.0.1.
  const loopback = options.mesh?.udpHost === undefined && (host === 'localhost' || host.startsWith('127.') || host === '::1');
  const udpHost = options.mesh?.udpHost ?? (loopback ? '0.0.0.0' : host);
  const wildcard = udpHost === '0.0.0.0' || udpHost === '::';
  const advertisedHost = options.mesh?.advertisedHost ?? (loopback ? '127.0.0.1' : wildcard && configuredOrigin ? new URL(configuredOrigin).hostname : udpHost);
  return new LeaseMeshes({ signals: new MeshSignals({ udpHost, advertisedHost }), placementOf, toRenter });
}
