import { SequencerByKey } from '../../common/async';
import type { TokenUnit } from '../../common/money/token';
import { HubError } from '../../common/hub/hub-errors';
import type { PaymentReceipt, PaymentSubmission } from '../../common/hub/http-api';
import type { ClusterRequest, LeaseEndReason, LeaseIncrement, LeaseState, LeaseView, NodeState, Quote } from '../../common/hub/lease-types';
import type { LeaseEvent } from '../../common/hub/renter-messages';
import type { HubToWorkerMessage, WorkerLease, WorkerMessage } from '../../common/hub/worker-messages';
import type { OfferBook } from '../market/offer-book';
import type { PaymentCheck } from '../payments/payment-check';
import type { GangPlacement } from '../placement/gang-placement';
import type { HubStore, LeaseEndFacts, NewLeaseEvidence } from '../store/hub-store';
import { GpuHeldError } from '../store/hub-store';
import type { DisputeResult, LeaseEvidenceFile } from '../../common/hub/lease-types';
import type { HubClock, RandomBytes } from '../support/hub-clock';
import { makeId } from '../support/hub-clock';
import type { WorkerRegistry } from '../workers/worker-registry';
import { dueAction } from './lease-deadlines';
import { settleDispute } from './dispute-rules';
import { RefundWatch } from './refund-watch';
import { workerExposure } from '../reputation/reputation-score';
import { costForGpuTime } from '../../common/hub/base-units';
import { LeasePaymentIntake } from './lease-payment-intake';
import { LeaseAttestationRelay } from './lease-attestation-relay';
import type { AttestationReason } from '../../common/attestation/attestation-outcome';
import type { AttestationChallenge, AttestationOpen } from '../../common/attestation/attestation-wire';
import type { NodeAttestationStatus } from '../../common/hub/lease-types';
import { expectedPayments, perIncrementAmounts, sumAmounts } from './lease-pricing';
import { checkIncrementCount, incrementsForBudget, placementNodes, quoteOf, reservedLease } from './lease-quote';
import { assertTransition, hasStarted } from './lease-state-machine';
import type { LiveLease } from './live-lease';
import { LOG_TAIL_CHUNKS, firstUnpaidIncrement, incrementView, isIncrementPaid, paidThroughMs, toLeaseView, toLive, toWorkerLease } from './live-lease';

/** Plans per quote when other hub instances keep taking the GPUs picked (each retry knows more). */
const MAX_PLACEMENT_ATTEMPTS = 3;
/** Ended leases whose GPU checks stay in memory for their views. */
const ENDED_CHECKS_KEPT = 2_000;

export interface LeaseTerms {
  /** The hub's payment token (common/money's registry): every amount is its base units. */
  token: TokenUnit;
  mint: string;
  /** Named in every payment memo, so a second hub on the same chain cannot credit this hub's payments. */
  hubId: string;
  incrementMs: number;
  graceMs: number;
  reservationTtlMs: number;
  /** How long a machine may be gone from a lease before the lease ends as supplier-lost. */
  supplierLostGraceMs: number;
  /** How long after the payment every machine of a lease must be running, or the lease fails (supplier-failed). */
  startDeadlineMs: number;
  /** How long a machine that ended a paid lease on its side has to refund the unused time. */
  refundDeadlineMs: number;
  /** Cap new identities' concurrent leases and increment value (reputation-score's workerExposure). */
  newcomerCaps: boolean;
  maxIncrementsPerLease: number;
  maxReservationsPerRenter: number;
  maxReservationsPerAddress: number;
  maxReservedGpusPerAddress: number;
  maxUnpaidReservations: number;
}

/** Where lease news goes: the workers' sockets and the renters' subscriptions. */
export interface LeaseNotifier {
  toWorker(workerId: string, message: HubToWorkerMessage): void;
  toRenter(leaseId: string, event: LeaseEvent): void;
}

export interface LeaseServiceDeps {
  store: HubStore;
  clock: HubClock;
  random: RandomBytes;
  offers: OfferBook;
  placement: GangPlacement;
  workers: WorkerRegistry;
  payments: PaymentCheck;
  notifier: LeaseNotifier;
  terms: LeaseTerms;
  /**
   * Called after each write of a lease's rows reached the store: with several hub
   * instances on one database, the others reload the lease (`refresh`).
   */
  onLeaseWritten?: (lease: LiveLease) => void;
}

/**
 * Leases from quote to end. Every decision is taken and applied to the in-memory lease
 * synchronously (so two events racing for one lease cannot both act on it), then written
 * to the store; the store is what a restarted hub rebuilds from (`restore`).
 */
export class LeaseService {
  private readonly active = new Map<string, LiveLease>();
  /** Each lease's store writes, in the order they were decided. */
  private readonly writes = new SequencerByKey<string>();

  private readonly payments: LeasePaymentIntake;
  private readonly refunds: RefundWatch;
  private readonly attestations: LeaseAttestationRelay;
  /**
   * The GPU checks of recently ended leases (memory, bounded): the store keeps them as
   * evidence, the renter's view of an ended lease still shows which node failed and why.
   */
  private readonly endedChecks = new Map<string, NodeAttestationStatus[]>();

  constructor(private readonly o: LeaseServiceDeps) {
    this.attestations = new LeaseAttestationRelay({
      notifier: o.notifier,
      nowMs: () => o.clock.nowMs(),
      record: (workerId, leaseId, passed, reason, counted) => (counted ? this.recordAttestation(workerId, leaseId, passed, reason) : this.appendEvidence({ leaseId, kind: 'attestation', workerId, atMs: o.clock.nowMs(), body: { passed, reason: reason.slice(0, 500), counted: false } })),
    });
    this.payments = new LeasePaymentIntake({
      ...o,
      ownLease: (renter, leaseId) => this.ownLease(renter, leaseId),
      persist: (lease, write) => this.persist(lease, write),
      reload: (leaseId) => this.refresh(leaseId),
      transition: (lease, to, endReason, reason, startedAtMs) => this.transition(lease, to, endReason, reason, startedAtMs),
      evidence: (entry) => this.appendEvidence(entry),
    });
    this.refunds = new RefundWatch({ ...o, terms: o.terms, evidence: (entry) => this.appendEvidence(entry) });
  }

  /** Appends to a lease's evidence, in order with the lease's other writes. */
  private appendEvidence(entry: NewLeaseEvidence): Promise<void> {
    return this.writes.queue(entry.leaseId, () => this.o.store.appendEvidence(entry));
  }

  /**
   * An attestation outcome for one machine of a lease (issue 13's verify-then-pay: the
   * renter's verifier decides; the hub records it for reputation and as evidence). A
   * pass raises the machine's exposure caps, a failure weighs as three outcomes.
   */
  async recordAttestation(workerId: string, leaseId: string, passed: boolean, reason: string): Promise<void> {
    const worker = this.o.workers.get(workerId);
    if (worker) {
      if (passed) worker.facts.attestationsPassed += 1;
      else worker.facts.attestationsFailed += 1;
    }
    await this.o.store.recordAttestation(workerId, passed);
    await this.appendEvidence({ leaseId, kind: 'attestation', workerId, atMs: this.o.clock.nowMs(), body: { passed, reason: reason.slice(0, 500) } });
  }

  /** A node's attestation message (ready, commit, opening, error), relayed to the renter. */
  attestFromWorker(workerId: string, message: Extract<WorkerMessage, { type: 'lease.attest' }>): void {
    const lease = this.active.get(message.leaseId);
    if (!lease) throw new HubError('not_found', `This machine has no active lease ${message.leaseId}; stop its attestation.`, 'lease_not_found');
    this.attestations.fromWorker(lease, workerId, message.message);
  }

  /** The renter's verifier speaks to one node of its reserved lease (challenge, rows to open). */
  async attestFromRenter(renter: string, leaseId: string, rank: number, message: AttestationChallenge | AttestationOpen): Promise<void> {
    const lease = await this.ownLease(renter, leaseId);
    this.attestations.fromRenter(lease, rank, message);
  }

  /** The renter's verifier's outcome for one node: recorded (reputation, evidence), the supplier told why. */
  async attestOutcome(renter: string, leaseId: string, rank: number, passed: boolean, reason: AttestationReason | null, message: string): Promise<NodeAttestationStatus> {
    const lease = await this.ownLease(renter, leaseId);
    return this.attestations.outcome(lease, rank, passed, reason, message);
  }

  /** A machine reports the refund it paid; checked on chain, kept as evidence, told to the renter. */
  async refundReported(workerId: string, message: Extract<WorkerMessage, { type: 'lease.refund' }>): Promise<void> {
    const lease = this.active.get(message.leaseId) ?? (await this.storedLease(message.leaseId));
    if (!lease) throw new HubError('not_found', `There is no lease ${message.leaseId}.`, 'lease_not_found');
    await this.refunds.reported(workerId, lease, message);
  }

  /** Everything the hub kept about one of the renter's leases, as one document (the dispute file). */
  async evidence(renter: string, leaseId: string): Promise<LeaseEvidenceFile> {
    const lease = await this.ownLease(renter, leaseId);
    const entries = await this.o.store.listEvidence(leaseId);
    return { hubId: this.o.terms.hubId, generatedAtMs: this.o.clock.nowMs(), lease: toLeaseView(lease, this.o.terms.token), evidence: entries.map((e) => ({ seq: e.seq, kind: e.kind, workerId: e.workerId, atMs: e.atMs, body: e.body })) };
  }

  /** A renter's dispute, settled by rule from the evidence (dispute-rules.ts), and recorded. */
  async dispute(renter: string, leaseId: string, complaint: string): Promise<DisputeResult> {
    const lease = await this.ownLease(renter, leaseId);
    const entries = await this.o.store.listEvidence(leaseId);
    const result = settleDispute({ endReason: lease.endReason, reasons: lease.transitions.map((t) => t.reason) }, entries);
    await this.appendEvidence({ leaseId, kind: 'dispute', workerId: null, atMs: this.o.clock.nowMs(), body: { complaint: complaint.slice(0, 1000), ...result } });
    return result;
  }

  /** Whether a machine may take one more lease at this value per increment (new identities are capped). */
  private exposureAllows(workerId: string, incrementValue: bigint): boolean {
    if (!this.o.terms.newcomerCaps) return true;
    const worker = this.o.workers.get(workerId);
    if (!worker) return true;
    const caps = workerExposure(worker.facts);
    if (caps.maxIncrementValue !== null && incrementValue > caps.maxIncrementValue) return false;
    if (caps.maxConcurrentLeases === null) return true;
    let held = 0;
    for (const lease of this.active.values()) if (lease.placement.nodes.some((n) => n.workerId === workerId)) held += 1;
    return held < caps.maxConcurrentLeases;
  }

  get activeCount(): number {
    return this.active.size;
  }

  countInState(state: LeaseState): number {
    let n = 0;
    for (const lease of this.active.values()) if (lease.state === state) n += 1;
    return n;
  }

  /**
   * After a start: hold every active lease's GPUs again, finish what a crash interrupted
   * (a first increment paid in full but the lease not yet marked paid), and give every
   * machine and renter a grace period to come back before anything ends for their absence.
   */
  async restore(): Promise<void> {
    const nowMs = this.o.clock.nowMs();
    for (const stored of await this.o.store.listActiveLeases()) {
      const lease = toLive(stored);
      lease.notBeforeMs = nowMs + this.o.terms.graceMs;
      // A reservation's GPU checks were in memory: its nodes attest again.
      if (lease.state === 'reserved') this.attestations.begin(lease);
      this.active.set(lease.leaseId, lease);
      for (const node of lease.placement.nodes) {
        this.o.offers.hold(node.workerId, node.gpuUuids, lease.leaseId, lease.state === 'reserved');
        if (!this.o.workers.isOnline(node.workerId)) lease.lostSinceMs.set(node.workerId, nowMs);
      }
      if (lease.state === 'reserved' && isIncrementPaid(lease, 0)) {
        // The paid period starts when the machines are told to start: now, as they come
        // back — not at the pre-crash credit, which would charge the renter the downtime.
        // (Another instance starting at once may win this; then its row is taken.)
        await this.transition(lease, 'paid', null, 'first increment paid (recovered after a hub restart)', nowMs).catch((error: unknown) => {
          if (!(error instanceof HubError)) throw error;
        });
      }
    }
  }

  /**
   * Reserves GPUs for a renter (quotes are free, so they are bounded: per renter, per
   * remote address, on the whole hub, and per machine in the offer book; a renter whose
   * reservations keep expiring unpaid may hold only one at a time).
   */
  async quote(renter: string, request: ClusterRequest, remoteHost?: string): Promise<Quote> {
    const { terms } = this.o;
    const nowMs = this.o.clock.nowMs();
    const facts = await this.o.store.renterFacts(renter);
    // Placement priority: expired reservations beyond the renter's paid increments cost it
    // its parallel reservations (issue 14.4).
    const renterLimit = facts.reservationsExpired > facts.incrementsOnTime + 2 ? 1 : terms.maxReservationsPerRenter;
    let reservations = 0;
    let unpaid = 0;
    let fromAddress = 0;
    let gpusFromAddress = 0;
    for (const l of this.active.values()) {
      if (l.state !== 'reserved') continue;
      unpaid += 1;
      if (l.renter === renter) reservations += 1;
      if (remoteHost !== undefined && l.remoteHost === remoteHost) {
        fromAddress += 1;
        gpusFromAddress += l.placement.gpuCount;
      }
    }
    if (reservations >= renterLimit) {
      const why = renterLimit === 1 && terms.maxReservationsPerRenter > 1 ? ` (${facts.reservationsExpired} of your reservations expired unpaid, so you may hold one at a time)` : '';
      throw new HubError('conflict', `You already hold ${reservations} unpaid reservation(s)${why}. Pay or terminate one before asking for another quote.`, 'too_many_reservations');
    }
    if (remoteHost !== undefined && (fromAddress >= terms.maxReservationsPerAddress || gpusFromAddress + request.gpuCount > terms.maxReservedGpusPerAddress)) {
      throw new HubError(
        'rate_limited',
        `Unpaid reservations from your address already hold ${gpusFromAddress} GPU(s) in ${fromAddress} quote(s); an address may hold at most ${terms.maxReservedGpusPerAddress} GPUs in ${terms.maxReservationsPerAddress} quotes. Pay or terminate one first.`,
        'address_reservation_limit',
      );
    }
    if (unpaid >= terms.maxUnpaidReservations) {
      throw new HubError('no_capacity', 'The hub holds as many unpaid reservations as it takes right now. Try again in a few minutes.', 'hub_reservation_limit');
    }
    const incrementCount = request.durationMs === undefined ? null : checkIncrementCount(Math.ceil(request.durationMs / terms.incrementMs), terms);
    // Another hub instance may have taken a GPU this one did not know of yet: the store
    // refuses the lease and names what is taken; mark it and plan again (a bounded number of times).
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.placeAndReserve(renter, request, incrementCount, nowMs, remoteHost);
      } catch (error) {
        if (!(error instanceof GpuHeldError) || error.held.length === 0 || attempt >= MAX_PLACEMENT_ATTEMPTS) throw error;
        for (const h of error.held) {
          this.o.offers.hold(h.workerId, [h.gpuUuid], h.leaseId, true, true);
          // Reloaded, so the mark goes when that lease ends even if its end was heard already.
          void this.refresh(h.leaseId).catch(() => undefined);
        }
      }
    }
  }

  private async placeAndReserve(renter: string, request: ClusterRequest, incrementCount: number | null, nowMs: number, remoteHost: string | undefined): Promise<Quote> {
    const { terms } = this.o;
    const leaseId = makeId('lease', this.o.random);
    const reserved = this.o.placement.place(
      {
        gpuCount: request.gpuCount,
        constraints: request.constraints,
        leaseDurationMs: incrementCount === null ? null : incrementCount * terms.incrementMs,
        nowMs,
        excludeSupplier: renter,
        runAsRoot: request.job.runAsRoot === true,
        egress: request.job.egress === true,
        // The most this offer could take in one increment of this request (egress included when bought).
        admit: (offer) =>
          this.exposureAllows(
            offer.workerId,
            costForGpuTime(offer.pricePerGpuHour, Math.min(Math.max(offer.freeGpus.length, 1), request.gpuCount), terms.incrementMs) +
              (request.job.egress === true && offer.terms.egressPricePerHour != null ? costForGpuTime(BigInt(offer.terms.egressPricePerHour), 1, terms.incrementMs) : 0n),
          ),
      },
      (offer, count) => this.o.offers.take(offer, count, leaseId),
    );
    if (!reserved) {
      // Internet access is sold per offer: say so, so a renter knows what to drop.
      const egressNote = request.job.egress === true ? ' The job asks for internet access: only machines whose owners offer egress (at a price) can take it; untick it if the job does not need the internet.' : '';
      throw new HubError(
        'no_capacity',
        `No set of online machines can hold ${request.gpuCount} GPU(s) with these constraints right now.${egressNote} Ask for fewer GPUs, relax the model, VRAM, price, region or reliability limits, or try again later.${heldByQuotes(this.active.values(), renter, nowMs)} (Your own offers are never placed for you: to rent your own GPUs, pay from another wallet.)`,
        'no_matching_gpus',
      );
    }
    const nodes = placementNodes(reserved, request.job.egress === true);
    try {
      const amounts = perIncrementAmounts(nodes, terms.incrementMs, 0);
      const count = incrementCount ?? incrementsForBudget(BigInt(request.budget!), sumAmounts(amounts), reserved.map((r) => r.offer), terms);
      const { lease, reason } = reservedLease({ leaseId, renter, request, nodes, incrementCount: count, nowMs, terms, random: this.o.random });
      if (remoteHost !== undefined) lease.remoteHost = remoteHost;
      this.attestations.begin(lease);
      this.active.set(leaseId, lease);
      await this.persist(lease, () => this.o.store.createLease({ ...lease, reason }));
      for (const node of nodes) this.o.notifier.toWorker(node.workerId, { type: 'lease.assigned', lease: this.workerLease(lease, node.rank) });
      return quoteOf(lease, amounts, this.o.terms.token);
    } catch (error) {
      this.active.delete(leaseId);
      for (const node of nodes) this.o.offers.release(node.workerId, node.gpuUuids, leaseId);
      throw error;
    }
  }

  async submitPayment(renter: string, leaseId: string, submission: PaymentSubmission): Promise<PaymentReceipt> {
    return this.payments.submit(renter, leaseId, submission);
  }

  async extend(renter: string, leaseId: string, increments: number): Promise<LeaseIncrement[]> {
    const lease = await this.ownLease(renter, leaseId);
    if (lease.state === 'ended') throw new HubError('conflict', `Lease ${leaseId} has ended; ask for a new quote instead.`, 'lease_ended');
    const newCount = lease.incrementCount + increments;
    checkIncrementCount(newCount, this.o.terms);
    const offers = lease.placement.nodes.map((n) => this.o.offers.get(n.offerId));
    const maxMs = Math.min(...offers.map((o) => o?.maxLeaseMs ?? Infinity));
    if (newCount * lease.incrementMs > maxMs) {
      throw new HubError('conflict', `A supplier of this lease allows at most ${maxMs} ms per lease; ${newCount} increments would be ${newCount * lease.incrementMs} ms. Extend by fewer increments.`, 'lease_too_long');
    }
    const added = expectedPayments(this.o.terms.hubId, leaseId, lease.incrementCount, newCount, lease.placement.nodes, lease.incrementMs, this.o.random);
    const from = lease.incrementCount;
    lease.incrementCount = newCount;
    lease.payments.push(...added.map((p) => ({ ...p, signature: null, paidAtMs: null, onTime: null })));
    await this.persist(lease, () => this.o.store.extendLease(leaseId, newCount, added));
    this.o.notifier.toRenter(leaseId, { type: 'lease.state', leaseId, state: lease.state, endReason: null, atMs: this.o.clock.nowMs(), reason: `extended to ${newCount} increments` });
    for (const node of lease.placement.nodes) this.o.notifier.toWorker(node.workerId, { type: 'lease.assigned', lease: this.workerLease(lease, node.rank) });
    return Array.from({ length: newCount - from }, (_, i) => incrementView(lease, from + i));
  }

  async terminate(renter: string, leaseId: string): Promise<LeaseView> {
    const lease = await this.ownLease(renter, leaseId);
    if (lease.state !== 'ended') await this.end(lease, 'terminated', 'terminated by the renter');
    return toLeaseView(lease, this.o.terms.token);
  }

  async view(renter: string, leaseId: string): Promise<LeaseView> {
    return toLeaseView(await this.ownLease(renter, leaseId), this.o.terms.token);
  }

  async list(renter: string, limit: number): Promise<LeaseView[]> {
    const stored = await this.o.store.listRenterLeases(renter, limit);
    return stored.map((s) => toLeaseView(this.active.get(s.leaseId) ?? this.withEndedChecks(toLive(s)), this.o.terms.token));
  }

  /** A lease of this renter (live if active, from the store if ended); not_found otherwise, even if it is someone else's. */
  private async ownLease(renter: string, leaseId: string): Promise<LiveLease> {
    const lease = this.active.get(leaseId) ?? (await this.storedLease(leaseId));
    if (!lease || lease.renter !== renter) throw new HubError('not_found', `You have no lease ${leaseId}.`, 'lease_not_found');
    return lease;
  }

  private async storedLease(leaseId: string): Promise<LiveLease | null> {
    const stored = await this.o.store.getLease(leaseId);
    return stored ? this.withEndedChecks(toLive(stored)) : null;
  }

  private withEndedChecks(lease: LiveLease): LiveLease {
    const checks = this.endedChecks.get(lease.leaseId);
    if (checks) lease.attestation = checks;
    return lease;
  }

  /** Whether `renter` may follow this lease (for subscriptions). */
  async leaseFor(renter: string, leaseId: string): Promise<LeaseView> {
    return this.view(renter, leaseId);
  }

  recentLogs(leaseId: string): LiveLease['logTail'] {
    return this.active.get(leaseId)?.logTail ?? [];
  }

  /** What a (re)connecting worker should be running or preparing. */
  leasesOfWorker(workerId: string): WorkerLease[] {
    const out: WorkerLease[] = [];
    for (const lease of this.active.values()) {
      const node = lease.placement.nodes.find((n) => n.workerId === workerId);
      if (node) out.push(this.workerLease(lease, node.rank));
    }
    return out;
  }

  private workerLease(lease: LiveLease, rank: number): WorkerLease {
    return toWorkerLease(lease, rank, (workerId) => {
      const w = this.o.workers.get(workerId);
      return w?.advertisedHost ?? w?.remoteHost ?? '127.0.0.1';
    });
  }

  workerOnline(workerId: string): void {
    for (const lease of this.active.values()) lease.lostSinceMs.delete(workerId);
  }

  workerOffline(workerId: string): void {
    const nowMs = this.o.clock.nowMs();
    for (const lease of this.active.values()) {
      if (lease.placement.nodes.some((n) => n.workerId === workerId) && !lease.lostSinceMs.has(workerId)) lease.lostSinceMs.set(workerId, nowMs);
    }
  }

  /** A worker reports a node's state. */
  async nodeEvent(workerId: string, event: Extract<WorkerMessage, { type: 'lease.node' }>): Promise<void> {
    const known = this.active.get(event.leaseId);
    // Told by another instance (lease.paid through the bus) before this one reloaded it.
    if (!known || !hasStarted(known.state)) await this.refresh(event.leaseId);
    const lease = this.active.get(event.leaseId);
    const node = lease?.placement.nodes.find((n) => n.workerId === workerId);
    if (!lease || !node) throw new HubError('not_found', `This machine has no active lease ${event.leaseId}; stop anything it runs for it.`, 'lease_not_found');
    if (!hasStarted(lease.state)) {
      throw new HubError('out_of_order', `Lease ${event.leaseId} is ${lease.state}: do not start it before the hub says it is paid (lease.paid).`, 'lease_not_paid');
    }
    const nowMs = this.o.clock.nowMs();
    const status = lease.nodes[node.rank]!;
    if (event.state === 'down') {
      // The machine keeps its socket and its job's state; it only cannot run it now. The
      // renter sees it, and no payment is taken until the machine runs again.
      const message = event.message ?? "The machine's container engine stopped.";
      if (!lease.downNodes.has(node.rank)) lease.downNodes.set(node.rank, nowMs);
      status.message = message;
      status.updatedAtMs = nowMs;
      this.o.notifier.toRenter(lease.leaseId, { type: 'lease.node', leaseId: lease.leaseId, rank: node.rank, state: status.state, message, atMs: nowMs, downSinceMs: lease.downNodes.get(node.rank)! });
      void this.appendEvidence({ leaseId: lease.leaseId, kind: 'node', workerId, atMs: nowMs, body: { rank: node.rank, state: 'down', message } });
      return;
    }
    lease.downNodes.delete(node.rank);
    const state: NodeState = event.state === 'exited' && (event.exitCode ?? 0) !== 0 ? 'failed' : event.state;
    const message = event.message ?? (event.state === 'exited' ? `exited with code ${event.exitCode ?? 0}` : null);
    status.state = state;
    status.message = message;
    status.updatedAtMs = nowMs;
    if (state === 'failed' && event.cause === 'supplier' && !node.interruptible) lease.supplierCaused.add(workerId);
    this.o.notifier.toRenter(lease.leaseId, { type: 'lease.node', leaseId: lease.leaseId, rank: node.rank, state, message, atMs: nowMs });
    const persisted = this.persist(lease, () => this.o.store.setNodeState(lease.leaseId, node.rank, state, message, nowMs));
    void this.appendEvidence({ leaseId: lease.leaseId, kind: 'node', workerId, atMs: nowMs, body: { rank: node.rank, state, message, ...(event.cause ? { cause: event.cause } : {}), ...(event.exitCode !== undefined ? { exitCode: event.exitCode } : {}) } });

    if (state === 'failed') {
      await persisted;
      await this.end(lease, 'failed', `machine ${node.rank} failed: ${message ?? 'no reason given'}`);
      return;
    }
    if ((state === 'pulling' || state === 'running') && lease.state === 'paid') {
      await this.transition(lease, 'starting', null, `machine ${node.rank} is ${state}`);
    }
    if (lease.state === 'starting' && lease.nodes.every((n) => n.state === 'running')) {
      await this.transition(lease, 'running', null, `all ${lease.nodes.length} machine(s) running`);
    }
    if (lease.nodes.every((n) => n.state === 'exited')) {
      // Machines stop an unpaid lease on their own clock too; when they are quicker than
      // this hub's deadline tick, the lease still ended because it was not paid.
      const through = paidThroughMs(lease);
      const unpaidIncrement = firstUnpaidIncrement(lease);
      const unpaid = through !== null && unpaidIncrement < lease.incrementCount && this.o.clock.nowMs() >= through;
      if (unpaid) await this.end(lease, 'unpaid', `increment ${unpaidIncrement} was not paid; the machines stopped the job`);
      else await this.end(lease, 'completed', 'the job finished on every machine');
    }
    await persisted;
  }

  /** A worker's log chunk, relayed to the renter's subscriptions and kept in a short tail. */
  logChunk(workerId: string, chunk: Extract<WorkerMessage, { type: 'lease.log' }>): void {
    const lease = this.active.get(chunk.leaseId);
    const node = lease?.placement.nodes.find((n) => n.workerId === workerId);
    if (!lease || !node) throw new HubError('not_found', `This machine has no active lease ${chunk.leaseId}.`, 'lease_not_found');
    const entry = { rank: node.rank, stream: chunk.stream, text: chunk.text, atMs: this.o.clock.nowMs() };
    lease.logTail.push(entry);
    if (lease.logTail.length > LOG_TAIL_CHUNKS) lease.logTail.shift();
    this.o.notifier.toRenter(lease.leaseId, { type: 'lease.log', leaseId: lease.leaseId, ...entry });
  }

  /** A log chunk relayed by another hub instance: kept for renters who subscribe here later. */
  rememberLog(event: { leaseId: string; rank: number; stream: 'stdout' | 'stderr'; text: string; atMs: number }): void {
    const lease = this.active.get(event.leaseId);
    if (!lease) return;
    lease.logTail.push({ rank: event.rank, stream: event.stream, text: event.text, atMs: event.atMs });
    if (lease.logTail.length > LOG_TAIL_CHUNKS) lease.logTail.shift();
  }

  /** Applies every deadline that has passed. Called by the hub's timer; tests call it directly. */
  async tick(): Promise<void> {
    const nowMs = this.o.clock.nowMs();
    await this.refunds.tick(nowMs);
    const options = { supplierLostGraceMs: this.o.terms.supplierLostGraceMs, startDeadlineMs: this.o.terms.startDeadlineMs };
    for (const lease of [...this.active.values()]) {
      const due = dueAction(lease, nowMs, options);
      if (!due) continue;
      switch (due.kind) {
        case 'reservation-expired':
          await this.end(lease, 'unpaid', 'the first increment was not paid before the reservation expired');
          break;
        case 'completed':
          await this.end(lease, 'completed', `all ${lease.incrementCount} paid increment(s) used`);
          break;
        case 'unpaid':
          await this.end(lease, 'unpaid', `increment ${due.increment} was not paid within the grace period`);
          break;
        case 'start-missed':
          // Counted against those suppliers; the stored end reason is `failed` (the hub's
          // schema), the transition says `supplier-failed` and why.
          for (const id of due.workerIds) lease.supplierCaused.add(id);
          await this.end(lease, 'failed', `supplier-failed: machine(s) ${due.workerIds.join(', ')} were paid and not running within ${this.o.terms.startDeadlineMs} ms`);
          break;
        case 'supplier-lost':
          await this.end(lease, 'supplier-lost', `machine(s) ${due.workerIds.join(', ')} left and did not come back within ${this.o.terms.supplierLostGraceMs} ms`);
          break;
      }
    }
  }

  private async transition(lease: LiveLease, to: LeaseState, endReason: LeaseEndReason | null, reason: string, startedAtMs?: number, facts?: LeaseEndFacts): Promise<void> {
    const from = lease.state;
    assertTransition(from, to, endReason);
    const atMs = this.o.clock.nowMs();
    lease.state = to;
    lease.endReason = endReason;
    if (startedAtMs !== undefined) lease.startedAtMs = startedAtMs;
    if (to === 'ended') lease.endedAtMs = atMs;
    lease.transitions.push({ from, to, endReason, atMs, reason });
    if (from === 'reserved' && to === 'paid') this.o.offers.markPaid(lease.leaseId, lease.placement.nodes.map((n) => n.workerId));
    this.o.notifier.toRenter(lease.leaseId, { type: 'lease.state', leaseId: lease.leaseId, state: to, endReason, atMs, reason });
    const change = { leaseId: lease.leaseId, from, to, endReason, atMs, reason, ...(startedAtMs !== undefined ? { startedAtMs } : {}), ...(facts ? { facts } : {}) };
    const written = await this.persist(lease, () => this.o.store.transitionLease(change));
    if (!written) {
      // Another instance moved it first: the store's row is the truth; take it and say so.
      void this.refresh(lease.leaseId);
      throw new HubError('conflict', `Lease ${lease.leaseId} was changed by another hub instance a moment ago (it is no longer ${from}). Look at it again.`, 'lease_changed_elsewhere');
    }
  }

  /**
   * Writes of one lease go to the store in the order they were decided, one after the
   * other, even with a store whose calls really are asynchronous (PostgreSQL).
   */
  private persist<T>(lease: LiveLease, write: () => Promise<T>): Promise<T> {
    return this.writes.queue(lease.leaseId, async () => {
      const result = await write();
      this.o.onLeaseWritten?.(lease);
      return result;
    });
  }

  /**
   * Another hub instance wrote this lease: reload it from the store (after this
   * instance's own writes of it, so nothing decided here is overwritten by an older row).
   * A lease new here holds its GPUs in this instance's offer book — over any hold a quote
   * of this instance is still trying to write, which the store will refuse — and an ended
   * one frees them.
   */
  refresh(leaseId: string): Promise<void> {
    return this.writes.queue(leaseId, async () => {
      const stored = await this.o.store.getLease(leaseId);
      const local = this.active.get(leaseId);
      if (!stored) return;
      if (stored.state === 'ended') {
        for (const node of stored.placement.nodes) this.o.offers.release(node.workerId, node.gpuUuids, leaseId);
        if (!local) return;
        this.active.delete(leaseId);
        Object.assign(local, stored);
        return;
      }
      if (!local) {
        const lease = toLive(stored);
        this.active.set(leaseId, lease);
        const nowMs = this.o.clock.nowMs();
        for (const node of lease.placement.nodes) {
          this.o.offers.hold(node.workerId, node.gpuUuids, leaseId, lease.state === 'reserved', true);
          if (!this.o.workers.isOnline(node.workerId)) lease.lostSinceMs.set(node.workerId, nowMs);
        }
        // Its holds may have been noted as a quote's (unpaid) before this reload.
        if (lease.state !== 'reserved') this.o.offers.markPaid(leaseId, lease.placement.nodes.map((n) => n.workerId));
        return;
      }
      if (local.state === 'reserved' && stored.state !== 'reserved') this.o.offers.markPaid(leaseId, local.placement.nodes.map((n) => n.workerId));
      Object.assign(local, {
        state: stored.state,
        endReason: stored.endReason,
        startedAtMs: stored.startedAtMs,
        endedAtMs: stored.endedAtMs,
        incrementCount: stored.incrementCount,
        nodes: stored.nodes,
        payments: stored.payments,
        transitions: stored.transitions,
      });
    });
  }

  /**
   * Another instance placed (or ended) this lease: mark its GPUs held (or free) in this
   * instance's offer book now, ahead of the reload. A lease this instance already follows is
   * left to the reload, which sees its whole state.
   */
  noteHolds(leaseId: string, ended: boolean, holds: ReadonlyArray<{ workerId: string; gpuUuids: readonly string[] }>): void {
    if (this.active.has(leaseId)) return;
    for (const h of holds) {
      if (ended) this.o.offers.release(h.workerId, h.gpuUuids, leaseId);
      else this.o.offers.hold(h.workerId, h.gpuUuids, leaseId, true, true);
    }
  }

  /**
   * This instance now applies the deadlines of every active lease (it took over from an
   * instance that stopped): machines and renters get the grace period before anything ends
   * for their absence, as after a restart.
   */
  async adoptDeadlines(): Promise<void> {
    for (const stored of await this.o.store.listActiveLeases()) await this.refresh(stored.leaseId);
    const nowMs = this.o.clock.nowMs();
    for (const lease of this.active.values()) {
      lease.notBeforeMs = nowMs + this.o.terms.graceMs;
      for (const node of lease.placement.nodes) {
        if (!this.o.workers.isOnline(node.workerId)) {
          if (!lease.lostSinceMs.has(node.workerId)) lease.lostSinceMs.set(node.workerId, nowMs);
        } else lease.lostSinceMs.delete(node.workerId);
      }
    }
  }

  /** Ends a lease: records why, frees its GPUs, stops the machines, updates reputation facts. */
  private async end(lease: LiveLease, reason: LeaseEndReason, detail: string): Promise<void> {
    if (lease.state === 'ended') return;
    const started = lease.startedAtMs !== null;
    const workerIds = lease.placement.nodes.map((n) => n.workerId);
    const facts: LeaseEndFacts = {
      workersCompleted: reason === 'completed' ? workerIds : [],
      workersEndedBySupplier:
        reason === 'supplier-lost'
          ? [...lease.lostSinceMs.keys()].filter((id) => workerIds.includes(id))
          : reason === 'failed'
            ? [...lease.supplierCaused]
            : [],
      renterMissedIncrement: reason === 'unpaid' && started,
      renterLetReservationExpire: reason === 'unpaid' && !started,
    };
    this.active.delete(lease.leaseId);
    if (lease.attestation) {
      this.endedChecks.set(lease.leaseId, lease.attestation);
      while (this.endedChecks.size > ENDED_CHECKS_KEPT) this.endedChecks.delete(this.endedChecks.keys().next().value!);
    }
    for (const node of lease.placement.nodes) {
      this.o.offers.release(node.workerId, node.gpuUuids, lease.leaseId);
      this.o.notifier.toWorker(node.workerId, { type: 'lease.stop', leaseId: lease.leaseId, reason, message: detail });
    }
    for (const id of facts.workersCompleted) this.bumpFact(id, 'leasesCompleted');
    for (const id of facts.workersEndedBySupplier) this.bumpFact(id, 'leasesEndedBySupplier');
    await this.transition(lease, 'ended', reason, detail, undefined, facts);
    // Those machines owe the renter the paid time they did not serve.
    if (facts.workersEndedBySupplier.length > 0) await this.refunds.owe(lease, facts.workersEndedBySupplier, lease.endedAtMs ?? this.o.clock.nowMs());
  }

  private bumpFact(workerId: string, fact: 'leasesCompleted' | 'leasesEndedBySupplier'): void {
    const worker = this.o.workers.get(workerId);
    if (worker) worker.facts[fact] += 1;
  }

  /** For tests and the explorer. */
  get(leaseId: string): LiveLease | undefined {
    return this.active.get(leaseId);
  }

  activeLeases(): IterableIterator<LiveLease> {
    return this.active.values();
  }

  paidThrough(leaseId: string): number | null {
    const lease = this.active.get(leaseId);
    return lease ? paidThroughMs(lease) : null;
  }

  unpaidIncrement(leaseId: string): number | null {
    const lease = this.active.get(leaseId);
    return lease ? firstUnpaidIncrement(lease) : null;
  }
}

/**
 * Why GPUs may look taken: unpaid quotes hold theirs until they expire or are discarded. Said
 * in the refusal so "no GPUs match" is not read as "there are none" while a quote (the
 * renter's own, most often) still holds them.
 */
function heldByQuotes(leases: Iterable<LiveLease>, renter: string, nowMs: number): string {
  let gpus = 0;
  let own = 0;
  let firstFreeAtMs = Number.POSITIVE_INFINITY;
  for (const l of leases) {
    if (l.state !== 'reserved') continue;
    gpus += l.placement.gpuCount;
    if (l.renter === renter) own += l.placement.gpuCount;
    firstFreeAtMs = Math.min(firstFreeAtMs, l.expiresAtMs);
  }
  if (gpus === 0) return '';
  const seconds = Math.max(1, Math.ceil((firstFreeAtMs - nowMs) / 1000));
  const yours = own > 0 ? ` (${own} by your own quote: discard it to free them at once)` : '';
  return ` ${gpus} GPU(s) are held by unpaid quotes${yours}; the first is released in ${seconds} s unless paid.`;
}
