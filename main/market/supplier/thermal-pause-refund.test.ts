import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { WorkerLease } from '../../../common/hub/worker-messages';
import { DEFAULT_LEND_TERMS } from '../../../common/market/lend-types';
import { openLedgerDb } from '../../ledger/ledger-db';
import type { WorkerService } from '../../worker/worker-service';
import type { LeaseMeter } from './lease-meter';
import { LeaseWorkQueue } from './lease-work-queue';
import type { SupplierHubLink } from './supplier-hub-link';
import { SupplierLeaseStore } from './supplier-lease-store';
import { ThermalController } from './thermal-controller';

// A heat pause past its grace (issue 13/17): the lease ends on the supplier's side and the
// renter is refunded the paid time since the pause — not since the end. Real ledger.db;
// the hub link only records what would be sent.
const GRACE_MS = 60_000;
const lease: WorkerLease = {
  leaseId: 'lease-hot',
  state: 'running',
  renter: 'renter',
  rank: 0,
  worldSize: 1,
  gpuUuids: ['GPU-1'],
  job: { image: 'busybox', masterPort: 29500 },
  peers: [],
  masterAddr: '127.0.0.1',
  masterPort: 29500,
  incrementMs: 600_000,
  graceMs: 60_000,
  incrementCount: 2,
  startedAtMs: 0,
  paidThroughMs: 600_000,
  mint: 'mint',
  payments: [],
};

describe('thermal pause past its grace', () => {
  let dir: string;
  let db: Database.Database;
  let nowMs = 0;
  const ended: Array<{ leaseId: string; message: string; servedUntilMs: number }> = [];
  const logs: string[] = [];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'idlegrid-thermal-'));
    db = openLedgerDb(join(dir, 'ledger.db'));
    ended.length = 0;
    logs.length = 0;
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('ends the lease once, refunding from the moment it was paused', async () => {
    const leases = new SupplierLeaseStore(db, () => nowMs);
    leases.upsert(lease);
    leases.update(lease.leaseId, { state: 'paused-hot', jobId: 'job-1', message: 'too hot' });
    const queue = new LeaseWorkQueue(() => undefined);
    const link = { worker: { sendLog: (_id: string, _s: string, text: string) => logs.push(text), reportNode: () => undefined } } as unknown as SupplierHubLink;
    const controller = new ThermalController({
      leases,
      worker: {} as WorkerService,
      link,
      meter: {} as LeaseMeter,
      queue,
      terms: () => DEFAULT_LEND_TERMS,
      notice: () => undefined,
      publish: () => undefined,
      nowMs: () => nowMs,
      logError: () => undefined,
      pauseGraceMs: GRACE_MS,
      endLease: async (leaseId, message, servedUntilMs) => {
        ended.push({ leaseId, message, servedUntilMs });
      },
    });

    nowMs = 100_000; // first seen paused (after a restart, the pause counts from here)
    controller.onSamples([]);
    nowMs = 100_000 + GRACE_MS - 1;
    controller.onSamples([]);
    await queue.idle();
    expect(ended).toEqual([]);

    nowMs = 100_000 + GRACE_MS;
    controller.onSamples([]);
    nowMs += 5_000;
    controller.onSamples([]);
    await queue.idle();
    expect(ended).toEqual([{ leaseId: 'lease-hot', message: expect.stringMatching(/stayed too hot.*refunds the paid time since the pause/), servedUntilMs: 100_000 }]);
    expect(logs.join('')).toMatch(/stayed too hot/);
  });

  it('forgets a pause that ended in time: a later pause starts its own grace', async () => {
    const leases = new SupplierLeaseStore(db, () => nowMs);
    leases.upsert(lease);
    leases.update(lease.leaseId, { state: 'paused-hot', jobId: 'job-1' });
    const queue = new LeaseWorkQueue(() => undefined);
    const controller = new ThermalController({
      leases,
      worker: {} as WorkerService,
      link: { worker: null } as unknown as SupplierHubLink,
      meter: {} as LeaseMeter,
      queue,
      terms: () => DEFAULT_LEND_TERMS,
      notice: () => undefined,
      publish: () => undefined,
      nowMs: () => nowMs,
      logError: () => undefined,
      pauseGraceMs: GRACE_MS,
      endLease: async (leaseId, message, servedUntilMs) => {
        ended.push({ leaseId, message, servedUntilMs });
      },
    });
    nowMs = 0;
    controller.onSamples([]);
    nowMs = GRACE_MS / 2;
    leases.update(lease.leaseId, { state: 'running' });
    controller.onSamples([]);
    nowMs = GRACE_MS;
    leases.update(lease.leaseId, { state: 'paused-hot' });
    controller.onSamples([]);
    nowMs = GRACE_MS + GRACE_MS / 2;
    controller.onSamples([]);
    await queue.idle();
    expect(ended).toEqual([]);
  });
});
