import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../common/api/errors';
import { openLedgerDb } from '../ledger/ledger-db';
import { AutoPayBudgets } from './auto-pay-budgets';
import { SigningApprovals, signingDraft } from './signing-approvals';

// Issue 14.2: auto-pay has an owner-set ceiling per lease and a daily cap over all leases;
// on the desktop only the main process's prompt approves.

describe('auto-pay ceiling and daily cap (real ledger.db)', () => {
  let dir: string;
  let db: Database.Database;
  let nowMs = 1_000_000;
  const limits = { ceiling: 1_000n, dailyCap: 1_500n };
  let budgets: AutoPayBudgets;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'idlegrid-auto-pay-'));
    db = openLedgerDb(join(dir, 'ledger.db'));
    budgets = new AutoPayBudgets(db, () => nowMs, () => limits);
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a budget above the ceiling', () => {
    let refused: unknown;
    try {
      budgets.grant('lease-a', 1_001n);
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(ApiError);
    expect((refused as ApiError).reason).toBe('auto_pay_over_ceiling');
    expect(budgets.get('lease-a')).toBeNull();
  });

  it('stops at the daily cap across leases, gives back what never left, and frees it after 24 hours', () => {
    budgets.grant('lease-a', 1_000n);
    budgets.grant('lease-b', 1_000n);
    expect(budgets.tryReserve('lease-a', 1_000n)).toBe(true);
    expect(budgets.tryReserve('lease-b', 600n)).toBe(false); // 1,600 > the 1,500 cap
    expect(budgets.tryReserve('lease-b', 500n)).toBe(true);
    expect(budgets.spentLastDay()).toBe(1_500n);
    budgets.release('lease-b', 500n);
    expect(budgets.spentLastDay()).toBe(1_000n);
    expect(budgets.tryReserve('lease-b', 500n)).toBe(true);
    nowMs += 86_400_001;
    expect(budgets.spentLastDay()).toBe(0n);
    budgets.grant('lease-b', 1_000n);
    expect(budgets.tryReserve('lease-b', 500n)).toBe(true);
  });

  it('says what was auto-paid today against the daily cap, for the lease card and Spending', () => {
    budgets.grant('lease-a', 1_000n);
    expect(budgets.day()).toEqual({ spent: 0n, cap: 1_500n });
    expect(budgets.tryReserve('lease-a', 400n)).toBe(true);
    expect(budgets.day()).toEqual({ spent: 400n, cap: 1_500n });
  });
});

describe('SigningApprovals on the desktop (a main-process prompt)', () => {
  const draft = signingDraft({ kind: 'send', purpose: 'Send 1 SOL', transfers: [], feeLamports: '5000', memo: null, warnings: [] }, 'W1', 'sandbox');

  it('refuses an approval through the API; the prompt approves', async () => {
    let approve: (ok: boolean) => void = () => undefined;
    const approvals = new SigningApprovals({ ownerProof: { kind: 'prompt', prompt: { ask: () => new Promise<boolean>((r) => (approve = r)) } } });
    const signing = approvals.request(draft);
    const [request] = approvals.pending();
    expect(request!.approval).toBe('dialog');
    const refused = await approvals.decide(request!.id, true, 'any passphrase').then(() => null, (e: ApiError) => e.reason);
    expect(refused).toBe('confirm_in_dialog');
    expect(approvals.pending()).toHaveLength(1);
    approve(true);
    await expect(signing).resolves.toBeUndefined();
    expect(approvals.pending()).toEqual([]);
  });

  it('lets the API decline, and closes the prompt when the request is answered', async () => {
    let aborted = false;
    const approvals = new SigningApprovals({
      ownerProof: { kind: 'prompt', prompt: { ask: (_r, signal) => new Promise<boolean>((resolve) => signal.addEventListener('abort', () => { aborted = true; resolve(false); })) } },
    });
    const signing = approvals.request(draft).then(() => 'signed', (e: ApiError) => e.reason);
    await approvals.decide(approvals.pending()[0]!.id, false);
    expect(await signing).toBe('signing_declined');
    expect(aborted).toBe(true);
  });

  it('approves nothing without a way to prove the owner', async () => {
    const approvals = new SigningApprovals();
    void approvals.request(draft).catch(() => undefined);
    const refused = await approvals.decide(approvals.pending()[0]!.id, true, 'x').then(() => null, (e: ApiError) => e.reason);
    expect(refused).toBe('approval_unavailable');
    approvals.dispose();
  });
});
