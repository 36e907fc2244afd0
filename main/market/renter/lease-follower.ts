import { Emitter } from '../../../common/event';
import type { Event } from '../../../common/event';
import type { Disposable } from '../../../common/lifecycle';
import type { LeaseView, LeaseRefund } from '../../../common/hub/lease-types';
import type { LeaseEvent } from '../../../common/hub/renter-messages';
import type { AutoPayState, RentLease, RentLeaseEvent } from '../../../common/market/rent-types';
import { RenterFeed } from '../../../hub-client/renter-feed';
import type { AutoPayBudgets } from '../../wallet/auto-pay-budgets';
import type { MarketHub } from '../market-hub';
import type { RentLedger } from './rent-ledger';
import { rentLeaseOf } from './rent-lease-view';
import type { RentLogLine } from './rent-lease-view';
import type { Logger } from '../../../common/logger';
import type { MeshMatrix } from '../../../common/mesh';

/** Recent log lines kept per lease (all ranks together): enough to read, bounded in memory. */
export const MAX_LOG_LINES_PER_LEASE = 500;

interface Followed {
  view: LeaseView;
  logs: RentLogLine[];
  /** The cluster mesh as the hub last sent it (pairs, direct/relayed, latency, bandwidth). */
  mesh: MeshMatrix | null;
  /** The renter client's own trouble with this lease (auto-pay), shown as its problem. */
  note: string | null;
  /** What machines said about their nodes (heat pause, resume), for the timeline. */
  nodeNotes: NonNullable<RentLease['nodeNotes']>;
}

/** Node notes kept per lease. */
const MAX_NODE_NOTES = 50;

export interface LeaseFollowerDeps {
  hub: MarketHub;
  ledger: RentLedger;
  budgets: AutoPayBudgets;
  /** Called after a lease changed (auto-pay looks at it). */
  onChange?: (leaseId: string) => void;
  /** A supplier refunded unused paid time (the hub checked it on chain). */
  onRefund?: (leaseId: string, refund: LeaseRefund) => void;
  logger: Logger;
}

/**
 * The renter's leases as they happen: one RenterFeed on the current hub, signed in as the
 * active wallet, following every lease that has not ended. Keeps each lease as the hub
 * last showed it (patched from live events, refetched when its state changes, which is
 * how an extension shows) with a bounded tail of its logs, and announces
 * `onDidChangeLease` (the whole lease; the UI's `rent:lease`) and `onLeaseEvent` (every
 * live event; the UI's `rent:lease-event`).
 */
export class LeaseFollower implements Disposable {
  private feed: RenterFeed | null = null;
  private feedKey: string | null = null;
  private readonly leases = new Map<string, Followed>();
  private readonly refreshing = new Set<string>();
  private readonly leaseChanged = new Emitter<RentLease>();
  private readonly leaseEvent = new Emitter<RentLeaseEvent>();
  readonly onDidChangeLease: Event<RentLease> = this.leaseChanged.event;
  readonly onLeaseEvent: Event<RentLeaseEvent> = this.leaseEvent.event;

  constructor(private readonly o: LeaseFollowerDeps) {}

  /** Follows on this hub as this wallet; a change of either starts over. */
  connect(hubUrl: string, address: string): void {
    const key = `${hubUrl}|${address}`;
    if (key === this.feedKey) return;
    this.disconnect();
    this.feedKey = key;
    const { agent } = this.o.hub.tls.transport(hubUrl);
    const feed = new RenterFeed({ hubUrl, token: () => this.o.hub.token(address), ...(agent ? { tlsAgent: agent } : {}) });
    feed.on('lease', (view) => this.onSnapshot(view));
    feed.on('event', (event) => this.onEvent(event));
    feed.on('refused', (error) => this.o.logger.warn({ code: error.code, reason: error.reason, detail: error.message }, 'the hub refused'));
    feed.start();
    this.feed = feed;
  }

  /** To the hub over the renter socket (the GPU check of a reserved lease); false when not connected. */
  sendAttestation(message: Parameters<RenterFeed['sendAttestation']>[0]): boolean {
    return this.feed?.sendAttestation(message) ?? false;
  }

  disconnect(): void {
    this.feed?.stop();
    this.feed = null;
    this.feedKey = null;
    this.leases.clear();
  }

  dispose(): void {
    this.disconnect();
    this.leaseChanged.dispose();
    this.leaseEvent.dispose();
  }

  /** Shows this lease and, while it has not ended, follows it live. */
  track(view: LeaseView): RentLease {
    const known = this.leases.get(view.leaseId);
    this.leases.set(view.leaseId, { view, logs: known?.logs ?? [], note: known?.note ?? null, mesh: known?.mesh ?? null, nodeNotes: known?.nodeNotes ?? [] });
    if (view.state === 'ended') this.finish(view.leaseId);
    else this.feed?.follow(view.leaseId);
    return this.publish(view.leaseId)!;
  }

  get(leaseId: string): LeaseView | null {
    return this.leases.get(leaseId)?.view ?? null;
  }

  leaseIds(): string[] {
    return [...this.leases.keys()];
  }

  /** The lease as the UI shows it, or null when not followed here. */
  rentLease(leaseId: string): RentLease | null {
    const f = this.leases.get(leaseId);
    return f ? { ...rentLeaseOf(f.view, this.autoPay(leaseId), [...f.logs], f.note, [...f.nodeNotes]), mesh: f.mesh } : null;
  }

  /** What the UI shows for a lease this app does not follow (e.g. an old, ended one). */
  rentLeaseOfView(view: LeaseView): RentLease {
    return rentLeaseOf(view, this.autoPay(view.leaseId), [], null);
  }

  setNote(leaseId: string, note: string | null): void {
    const f = this.leases.get(leaseId);
    if (!f || f.note === note) return;
    f.note = note;
    this.publish(leaseId);
  }

  /** Publishes the lease again (its auto-pay state changed). */
  publish(leaseId: string): RentLease | null {
    const lease = this.rentLease(leaseId);
    if (lease) this.leaseChanged.fire(lease);
    return lease;
  }

  /** Fetches the lease from the hub and shows it. */
  async refresh(leaseId: string): Promise<RentLease> {
    const view = await this.o.hub.withSession((c) => c.lease(leaseId));
    const lease = this.track(view);
    this.o.onChange?.(leaseId);
    return lease;
  }

  private autoPay(leaseId: string): AutoPayState {
    const budget = this.o.budgets.get(leaseId);
    const day = this.o.budgets.day();
    return {
      enabled: this.o.ledger.lease(leaseId)?.autoPayEnabled ?? false,
      limit: (budget?.limit ?? 0n).toString(),
      spent: (budget?.spent ?? 0n).toString(),
      dayPaid: day.spent.toString(),
      dayCap: day.cap.toString(),
    };
  }

  private onSnapshot(view: LeaseView): void {
    const known = this.leases.get(view.leaseId);
    // The hub sends its recent log lines after every (re)subscription: start the tail over.
    this.leases.set(view.leaseId, { view, logs: [], note: known?.note ?? null, mesh: known?.mesh ?? null, nodeNotes: known?.nodeNotes ?? [] });
    if (view.state === 'ended') this.finish(view.leaseId);
    this.publish(view.leaseId);
    this.o.onChange?.(view.leaseId);
  }

  private onEvent(event: LeaseEvent): void {
    const f = this.leases.get(event.leaseId);
    this.leaseEvent.fire({ leaseId: event.leaseId, event });
    if (!f) return;
    const view = f.view;
    switch (event.type) {
      case 'lease.log':
        f.logs.push({ rank: event.rank, stream: event.stream, text: event.text, atMs: event.atMs });
        if (f.logs.length > MAX_LOG_LINES_PER_LEASE) f.logs.splice(0, f.logs.length - MAX_LOG_LINES_PER_LEASE);
        return;
      case 'lease.node': {
        // A machine down (its engine stopped) carries downSinceMs; the next report without it is back.
        const nodes = view.nodes.map((n) => {
          if (n.rank !== event.rank) return n;
          const { downSinceMs: _was, ...rest } = n;
          const next = { ...rest, state: event.state, message: event.message, updatedAtMs: event.atMs };
          return event.downSinceMs === undefined ? next : { ...next, downSinceMs: event.downSinceMs };
        });
        f.view = { ...view, nodes };
        if (event.message) {
          f.nodeNotes.push({ rank: event.rank, message: event.message, atMs: event.atMs });
          if (f.nodeNotes.length > MAX_NODE_NOTES) f.nodeNotes.splice(0, f.nodeNotes.length - MAX_NODE_NOTES);
        }
        break;
      }
      case 'lease.payment': {
        const increments = view.increments.map((i) =>
          i.index !== event.increment
            ? i
            : { ...i, payments: i.payments.map((p) => (p.payee === event.payee && p.signature === null ? { ...p, signature: event.signature, paidAtMs: event.atMs } : p)) },
        );
        f.view = { ...view, increments, paidSoFar: (BigInt(view.paidSoFar) + BigInt(event.amount)).toString() };
        break;
      }
      case 'lease.refund': {
        if ((view.refunds ?? []).some((r) => r.signature === event.signature)) break;
        const refund = { increment: event.increment, payee: event.payee, amount: event.amount, signature: event.signature, atMs: event.atMs };
        f.view = { ...view, refunds: [...(view.refunds ?? []), refund] };
        this.o.onRefund?.(event.leaseId, refund);
        break;
      }
      case 'lease.mesh':
        f.mesh = event.mesh;
        break;
      case 'lease.attest': {
        if (event.message.type !== 'ready' || !view.attestation) return;
        const ready = event.message;
        f.view = { ...view, attestation: view.attestation.map((a) => (a.rank === event.rank ? { ...a, state: a.state === 'preparing' ? 'ready' : a.state, ready, updatedAtMs: event.atMs } : a)) };
        break;
      }
      case 'lease.attested': {
        if (!view.attestation) return;
        f.view = { ...view, attestation: view.attestation.map((a) => (a.rank === event.rank ? { ...a, state: event.passed ? 'passed' : 'failed', reason: event.reason, message: event.message, updatedAtMs: event.atMs } : a)) };
        break;
      }
      case 'lease.state':
        f.view = {
          ...view,
          state: event.state,
          endReason: event.endReason,
          transitions: event.state === view.state ? view.transitions : [...view.transitions, { from: view.state, to: event.state, endReason: event.endReason, atMs: event.atMs, reason: event.reason }],
        };
        if (event.state === 'ended') this.finish(event.leaseId);
        // Start times, due times and extensions come with the whole lease.
        this.refreshSoon(event.leaseId);
        break;
    }
    this.publish(event.leaseId);
    this.o.onChange?.(event.leaseId);
  }

  private refreshSoon(leaseId: string): void {
    if (this.refreshing.has(leaseId)) return;
    this.refreshing.add(leaseId);
    void this.refresh(leaseId)
      .catch((error) => this.o.logger.warn({ err: error, leaseId }, 'could not refresh a lease'))
      .finally(() => this.refreshing.delete(leaseId));
  }

  private finish(leaseId: string): void {
    this.o.ledger.markEnded(leaseId);
    this.feed?.unfollow(leaseId);
  }
}
