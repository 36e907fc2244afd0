import { formatAmount } from '../../../common/money/amount-text';
import type Database from 'better-sqlite3';
import { ApiError } from '../../../common/api/errors';
import type { rentCalls } from '../../../common/api/rent';
import { Sequencer } from '../../../common/async';
import { Emitter, Events } from '../../../common/event';
import type { Event } from '../../../common/event';
import { DisposableStore } from '../../../common/lifecycle';
import type { HubHttpClient } from '../../../hub-client/hub-http-client';
import type { LeaseView } from '../../../common/hub/lease-types';
import type { RentLease, RentLeaseEvent } from '../../../common/market/rent-types';
import type { Module } from '../../app/module';
import type { SettingsStore } from '../../settings/settings-store';
import type { DomainHandlers } from '../../transport/api-handlers';
import type { WalletModule } from '../../wallet/wallet-module';
import type { MarketHub } from '../market-hub';
import { AutoPayer } from './auto-payer';
import { LeaseFollower } from './lease-follower';
import { LeasePayer } from './lease-payer';
import type { LeasePayerDeps, PaymentApproval } from './lease-payer';
import { rentError } from './rent-errors';
import { RentLedger } from './rent-ledger';
import { nextUnpaid } from './rent-lease-view';
import type { Logger } from '../../../common/logger';
import { attestationDeviceOf } from '../../../common/attestation/attestation-params';
import type { AttestationTimeouts } from '../../../common/attestation/attestation-session';
import { failureText, verifyLease } from './lease-verification';

export interface RenterModuleDeps {
  ledgerDb: Database.Database;
  settings: SettingsStore;
  hub: MarketHub;
  wallet: WalletModule;
  nowMs: () => number;
  /** How often auto-pay looks at due times (tests: shorter). */
  autoPayTickMs?: number;
  /** Tests: a hook after a transfer is on chain and before the hub hears of it (to crash there). */
  afterPaymentSent?: LeasePayerDeps['afterSent'];
  /** Tests: runs once a payment is signed and recorded, before it is sent (a kill -9 there). */
  afterPaymentSigned?: LeasePayerDeps['afterSigned'];
  /** Scope 'rent' in the app's log. */
  logger: Logger;
  /** Tests: shorter waits for a node's messages in the GPU check. */
  attestationTimeouts?: AttestationTimeouts;
}

export interface RenterModule extends Module {
  readonly handlers: DomainHandlers<typeof rentCalls>;
  /** A followed lease changed (the UI's `rent:lease`). */
  readonly onDidChangeLease: Event<RentLease>;
  /** Every live event of a followed lease (the UI's `rent:lease-event`). */
  readonly onLeaseEvent: Event<RentLeaseEvent>;
  /** A receipt was recorded or changed (the UI's `rent:receipts-changed`). */
  readonly onDidChangeReceipts: Event<{ atMs: number }>;
}

/**
 * The renter's side of the market: search and quotes from the hub, payments with the
 * wallet (recorded in ledger.db as receipts, crash-safe), leases followed live, auto-pay
 * of later increments within a per-lease budget, extend and terminate.
 *
 * Auto-pay consent is per lease: turning it on for a lease, with a budget, is what lets
 * that lease's increments be paid without asking (the global `autoPayEnabled` setting
 * does not gate it). Manual payments ("pay now") use the budget too when it is on and has
 * room, and otherwise ask.
 */
export function createRenterModule(options: RenterModuleDeps): RenterModule {
  const { hub, wallet, nowMs } = options;
  const disposables = new DisposableStore({ name: 'renter' });
  const { logger } = options;
  const ledger = new RentLedger(options.ledgerDb, nowMs);
  const budgets = wallet.budgets;
  let autoPayer: AutoPayer | null = null;
  const refundsReceived = disposables.add(new Emitter<{ atMs: number }>());
  const follower = new LeaseFollower({
    hub,
    ledger,
    budgets,
    logger,
    onChange: (id) => autoPayer?.check(id),
    // A supplier's refund (the hub checked it on chain) goes into Spending as a negative receipt.
    onRefund: (leaseId, refund) => {
      const renter = ledger.lease(leaseId)?.renter ?? wallet.vault.activeAddress();
      const info = wallet.network.info();
      if (!renter) return;
      const fresh = ledger.recordRefund({ ...refund, leaseId, renter, amount: BigInt(refund.amount), token: info.token, network: info.kind, receivedAtMs: refund.atMs });
      if (fresh) refundsReceived.fire({ atMs: nowMs() });
    },
  });
  const payer = new LeasePayer({ wallet, hub, ledger, nowMs, afterSent: options.afterPaymentSent, afterSigned: options.afterPaymentSigned });
  autoPayer = new AutoPayer({
    follower,
    payer,
    ledger,
    budgets,
    nowMs,
    token: () => ({ symbol: wallet.network.info().token, decimals: wallet.network.info().decimals }),
    ...(options.autoPayTickMs !== undefined ? { tickMs: options.autoPayTickMs } : {}),
    logger,
  });
  /** Syncs with the hub run one at a time. */
  const syncs = new Sequencer();

  const renter = (): string => {
    const address = wallet.vault.activeAddress();
    if (!address) throw new ApiError('not_found', 'There is no wallet yet. Create or import one in the Wallet view: you rent and pay with it.', 'no_wallet');
    return address;
  };

  const session = async <T>(doing: string, fn: (client: HubHttpClient) => Promise<T>): Promise<T> => {
    try {
      return await hub.withSession(fn);
    } catch (error) {
      throw rentError(error, doing);
    }
  };

  /**
   * Granting or raising a budget, or turning auto-pay on, lets money move later without
   * asking: the owner confirms it like a payment (issue 14.2). Lowering needs nothing.
   */
  const consentToBudget = async (leaseId: string, limit: bigint, enabling: boolean): Promise<void> => {
    const current = budgets.get(leaseId);
    const wasOn = ledger.lease(leaseId)?.autoPayEnabled ?? false;
    if (current && limit <= current.limit && (!enabling || wasOn)) return;
    const info = wallet.network.info();
    const text = formatAmount({ token: { symbol: info.token, decimals: info.decimals }, baseUnits: limit }, { symbol: true });
    await wallet.consent('auto-pay', `Let auto-pay pay up to ${text} for lease ${leaseId} without asking`);
  };

  const approvalFor = (leaseId: string): PaymentApproval => (ledger.lease(leaseId)?.autoPayEnabled ? 'budget-or-confirm' : 'confirm');

  /** Follows the active wallet's open leases on the current hub and hands the hub payments it may have missed. */
  const sync = async (): Promise<void> => {
    const status = hub.status();
    const address = wallet.vault.activeAddress();
    // A locked wallet cannot sign in; unlocking it publishes wallet:changed, which syncs again.
    if (status.status !== 'ready' || !status.hubUrl || !address || !wallet.vault.protection.isUnlocked()) {
      follower.disconnect();
      return;
    }
    const hubUrl = status.hubUrl;
    follower.connect(hubUrl, address);
    const listed = await hub.withSession((c) => c.leases());
    const seen = new Set<string>();
    for (const view of listed) {
      seen.add(view.leaseId);
      if (view.state !== 'ended') {
        ledger.rememberLease(view.leaseId, address, hubUrl);
        follower.track(view);
      } else if (ledger.lease(view.leaseId)) ledger.markEnded(view.leaseId);
    }
    // Older leases than the hub's list shows, still open here.
    for (const record of ledger.openLeases(address, hubUrl)) {
      if (seen.has(record.leaseId)) continue;
      await follower.refresh(record.leaseId).catch((error) => logger.warn({ err: error, leaseId: record.leaseId }, 'a lease could not be fetched'));
    }
    for (const payment of ledger.unsubmitted(address)) {
      // A receipt left 'signed' or 'sent' although the hub credited it (the record failed on
      // a full disk): healed from the hub's word, ended leases included (issue 19, item 11).
      const view = follower.get(payment.leaseId) ?? (await hub.withSession((c) => c.lease(payment.leaseId)).catch(() => null));
      if (view && creditedSignatures(view).has(payment.signature)) {
        ledger.markSubmitted(payment.signature);
        payer.receiptsHealed();
        continue;
      }
      if (!view || view.state === 'ended') continue;
      void payer.resume(payment).then(
        () => follower.refresh(payment.leaseId),
        (error) => logger.warn({ err: error, leaseId: payment.leaseId, signature: payment.signature }, 'a payment is not with the hub yet'),
      );
    }
  };
  /** The hub and wallet last synced with; `market:hub` and `wallet:changed` fire often, a sync is needed only when these change. */
  let syncedKey: string | null = null;
  const keyNow = () => {
    const status = hub.status();
    return status.status === 'ready' && wallet.vault.protection.isUnlocked() ? `${status.hubUrl}|${wallet.vault.activeAddress()}` : null;
  };
  const resync = (force = false) => {
    if (!force && keyNow() === syncedKey) return;
    void syncs
      .queue(async () => {
        const key = keyNow();
        if (!force && key === syncedKey) return;
        await sync();
        syncedKey = key;
      })
      .catch((error: Error) => {
        syncedKey = null;
        logger.warn({ err: error }, 'could not follow the leases');
      });
  };

  /**
   * Verify, then pay (issue 13): while the lease is reserved every node proves its GPUs to
   * this app before increment 0 is paid. A node that fails gets nothing: the lease is let
   * go (the machines that passed are freed) and the renter reads why. A hub without the
   * GPU check (no `attestation` in its lease view) is paid as before.
   */
  const verifyBeforePaying = async (view: LeaseView): Promise<void> => {
    if (view.state !== 'reserved' || !view.attestation || view.attestation.every((a) => a.state === 'passed')) return;
    const device = attestationDeviceOf(hub.status().info?.network ?? 'mainnet');
    const pending = view.attestation.filter((a) => a.state !== 'passed').length;
    follower.setNote(view.leaseId, `Checking the GPUs of ${pending} machine(s) before paying: each proves its GPUs by a computation only they can do in time.`);
    const verdicts = await verifyLease(
      {
        send: (message) => follower.sendAttestation(message),
        events: follower.onLeaseEvent,
        refresh: (leaseId) => hub.withSession((c) => c.lease(leaseId)),
        nowMs: () => performance.now(),
        ...(options.attestationTimeouts ? { timeouts: options.attestationTimeouts } : {}),
      },
      view,
      device,
    );
    const failed = verdicts.filter((v) => !v.outcome.passed);
    if (failed.length === 0) {
      follower.setNote(view.leaseId, null);
      return;
    }
    const text = failureText(failed);
    follower.setNote(view.leaseId, text);
    await session(`let go of lease ${view.leaseId}`, (c) => c.terminate(view.leaseId)).then(
      (ended) => follower.track(ended),
      (error: unknown) => logger.warn({ err: error, leaseId: view.leaseId }, 'a lease whose GPU check failed could not be let go'),
    );
    follower.setNote(view.leaseId, text);
    throw new ApiError('conflict', text, 'attestation_failed');
  };

  const leaseNow = async (leaseId: string): Promise<LeaseView> => session(`read lease ${leaseId}`, (c) => c.lease(leaseId));

  const handlers: DomainHandlers<typeof rentCalls> = {
    'rent:search': async (params) => {
      try {
        return await hub.publicClient().searchOffers(params);
      } catch (error) {
        throw rentError(error, 'search the market');
      }
    },
    'rent:quote': async (request) => {
      const address = renter();
      const quote = await session('get a quote', (c) =>
        c.quote({
          gpuCount: request.gpuCount,
          job: request.job,
          ...(request.constraints ? { constraints: request.constraints } : {}),
          ...(request.durationMs !== undefined ? { durationMs: request.durationMs } : { budget: request.budget! }),
        }),
      );
      ledger.rememberLease(quote.leaseId, address, hub.url());
      void follower.refresh(quote.leaseId).catch(() => undefined);
      return { ...quote, decimals: wallet.network.info().decimals };
    },
    'rent:pay': async ({ leaseId, autoPayBudget }) => {
      const address = renter();
      const view = await leaseNow(leaseId);
      if (view.state === 'ended') throw new ApiError('conflict', `Lease ${leaseId} has ended (${view.endReason}); ask for a new quote.`, 'lease_ended');
      ledger.rememberLease(leaseId, address, hub.url());
      if (autoPayBudget !== undefined) {
        await consentToBudget(leaseId, BigInt(autoPayBudget), true);
        budgets.grant(leaseId, BigInt(autoPayBudget));
        ledger.setAutoPay(leaseId, true);
      }
      follower.track(view);
      await verifyBeforePaying(view);
      await payer.payIncrement(view, 0, approvalFor(leaseId));
      return follower.refresh(leaseId);
    },
    'rent:pay-next': async ({ leaseId }) => {
      renter();
      const view = await leaseNow(leaseId);
      const next = nextUnpaid(view);
      if (!next) throw new ApiError('conflict', view.state === 'ended' ? `Lease ${leaseId} has ended; nothing more can be paid.` : `Every increment of lease ${leaseId} is paid. Extend it to add more.`, 'nothing_to_pay');
      follower.track(view);
      await payer.payIncrement(view, next.increment.index, approvalFor(leaseId));
      return follower.refresh(leaseId);
    },
    'rent:leases': async ({ limit }) => {
      renter();
      const listed = await session('list your leases', (c) => c.leases());
      return listed.slice(0, limit).map((view): RentLease => follower.rentLease(view.leaseId) ?? follower.rentLeaseOfView(view));
    },
    'rent:lease': async ({ leaseId }) => {
      renter();
      return follower.rentLease(leaseId) ?? follower.rentLeaseOfView(await leaseNow(leaseId));
    },
    'rent:extend': async ({ leaseId, increments }) => {
      renter();
      await session(`extend lease ${leaseId}`, (c) => c.extend(leaseId, increments));
      return follower.refresh(leaseId);
    },
    'rent:terminate': async ({ leaseId }) => {
      renter();
      const view = await session(`end lease ${leaseId}`, (c) => c.terminate(leaseId));
      return follower.track(view);
    },
    'rent:set-auto-pay': async ({ leaseId, enabled, budget }) => {
      const address = renter();
      if (!ledger.lease(leaseId)) {
        await leaseNow(leaseId); // only the renter's own leases
        ledger.rememberLease(leaseId, address, hub.url());
      }
      if (budget !== undefined || enabled) await consentToBudget(leaseId, budget === undefined ? (budgets.get(leaseId)?.limit ?? 0n) : BigInt(budget), enabled);
      if (budget !== undefined) budgets.grant(leaseId, BigInt(budget));
      if (enabled && !budgets.get(leaseId)) {
        throw new ApiError('invalid_params', 'Give a budget to turn auto-pay on: the most it may pay for this lease without asking.', 'auto_pay_budget_missing');
      }
      ledger.setAutoPay(leaseId, enabled);
      follower.publish(leaseId);
      autoPayer?.check(leaseId);
      const current = budgets.get(leaseId);
      const day = budgets.day();
      return { enabled, limit: (current?.limit ?? 0n).toString(), spent: (current?.spent ?? 0n).toString(), dayPaid: day.spent.toString(), dayCap: day.cap.toString() };
    },
    'rent:evidence': async ({ leaseId }) => {
      renter();
      return session(`download the evidence of lease ${leaseId}`, (c) => c.evidence(leaseId));
    },
    'rent:dispute': async ({ leaseId, complaint }) => {
      renter();
      return session(`open a dispute about lease ${leaseId}`, (c) => c.dispute(leaseId, complaint));
    },
    'rent:reputation': async () => {
      const address = renter();
      try {
        return await hub.publicClient().renterReputation(address);
      } catch (error) {
        throw rentError(error, 'read your score');
      }
    },
    'rent:supplier-reputation': async ({ workerId }) => {
      try {
        return await hub.publicClient().workerReputation(workerId);
      } catch (error) {
        throw rentError(error, 'read the supplier\u2019s score');
      }
    },
    'rent:receipts': ({ limit }) => {
      const address = wallet.vault.activeAddress();
      return address ? ledger.receipts(address, limit) : [];
    },
  };

  return {
    handlers,
    onDidChangeLease: follower.onDidChangeLease,
    onLeaseEvent: follower.onLeaseEvent,
    onDidChangeReceipts: Events.any(payer.onDidChangeReceipts, refundsReceived.event),
    async start() {
      // Before any payment runs: budgets match the recorded payments (a crash between
      // reserving a budget and signing must not leak it).
      const healed = budgets.reconcile(ledger.autoApprovedSpent());
      if (healed.length > 0) logger.warn({ leases: healed }, 'auto-pay budgets reconciled with the recorded payments');
      hub.onDidChangeStatus(() => resync(), disposables);
      wallet.onDidChangeWallet(() => resync(), disposables);
      resync(true);
      await syncs.idle();
      disposables.add(autoPayer!).start();
    },
    async dispose() {
      // Listeners and the auto-pay timer first; the follower (its feed) after the last sync,
      // which may have connected it. A payment in flight is not waited for: it may be
      // waiting for the user, and the next start hands the hub what it recorded.
      await disposables.dispose();
      await syncs.idle();
      follower.dispose();
    },
  };
}

/** The signatures the hub credited to a lease, every increment and payee. */
function creditedSignatures(view: LeaseView): Set<string> {
  return new Set(view.increments.flatMap((i) => i.payments.map((p) => p.signature)).filter((s): s is string => s !== null));
}
