import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { NewLease } from './hub-store';
import { SqliteHubStore } from './sqlite-hub-store';

const dirs: string[] = [];
function freshPath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'idlegrid-hub-store-'));
  dirs.push(dir);
  return join(dir, 'hub.db');
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function lease(leaseId: string, renter = 'renter-a'): NewLease {
  return {
    leaseId,
    renter,
    createdAtMs: 1_000,
    expiresAtMs: 61_000,
    incrementMs: 600_000,
    incrementCount: 2,
    graceMs: 60_000,
    mint: 'mint-usdc',
    request: { gpuCount: 1, constraints: { sameModel: true }, job: { image: 'busybox', masterPort: 29500 }, durationMs: 1_200_000 },
    placement: {
      gpuCount: 1,
      nodes: [
        {
          rank: 0,
          workerId: 'wkr-1',
          offerId: 'ofr-1',
          supplier: 'supplier-a',
          gpuModel: 'NVIDIA GeForce RTX 4090',
          vramMiB: 24_564,
          gpuUuids: ['GPU-1'],
          pricePerGpuHour: '1000000',
          region: 'eu-west',
          interruptible: false,
        },
      ],
    },
    payments: [0, 1].map((k) => ({ increment: k, payee: 'supplier-a', amount: 166_667n, reference: `${leaseId}-ref-${k}`, memo: `idlegrid:${leaseId}:${k}` })),
    reason: 'placed',
  };
}

describe('SqliteHubStore', () => {
  it('credits a signature once, ever — across payments and leases — and keeps the volume in step', async () => {
    const store = new SqliteHubStore(freshPath());
    await store.createLease(lease('lease-a'));
    await store.createLease(lease('lease-b'));
    const credit = { leaseId: 'lease-a', increment: 0, payee: 'supplier-a', signature: 'sig-1', paidAtMs: 2_000, onTime: true, renter: 'renter-a' };
    expect(await store.creditPayment(credit)).toEqual({ status: 'credited' });
    expect(await store.creditPayment(credit)).toEqual({ status: 'duplicate-signature', creditedTo: { leaseId: 'lease-a', increment: 0, payee: 'supplier-a' } });
    expect((await store.creditPayment({ ...credit, leaseId: 'lease-b' })).status).toBe('duplicate-signature');
    expect(await store.creditPayment({ ...credit, signature: 'sig-2' })).toEqual({ status: 'already-paid', signature: 'sig-1' });
    expect(await store.creditPayment({ ...credit, signature: 'sig-3', increment: 9 })).toEqual({ status: 'unknown-payment' });
    expect(await store.volumePaidAllTime()).toBe(166_667n);
    expect(await store.volumePaidSince(1_500)).toBe(166_667n);
    expect(await store.volumePaidSince(2_001)).toBe(0n);
    expect((await store.renterFacts('renter-a')).incrementsOnTime).toBe(1);
    const recent = await store.recentPayments(10);
    expect(recent).toEqual([{ signature: 'sig-1', leaseId: 'lease-a', increment: 0, payee: 'supplier-a', payer: 'renter-a', amount: 166_667n, paidAtMs: 2_000 }]);
    await store.close();
  });

  it('moves a lease only from the state it is in, recording every transition and the end facts', async () => {
    const store = new SqliteHubStore(freshPath());
    await store.upsertWorker({ newWorkerId: 'wkr-1', owner: 'supplier-a', machineId: 'machine-0001', hardware: { gpus: [] }, region: 'eu-west', advertisedHost: null, atMs: 1 });
    await store.createLease(lease('lease-a'));
    expect(await store.transitionLease({ leaseId: 'lease-a', from: 'running', to: 'ended', endReason: 'completed', atMs: 5, reason: 'x' })).toBe(false);
    expect(await store.transitionLease({ leaseId: 'lease-a', from: 'reserved', to: 'paid', endReason: null, atMs: 5, reason: 'paid', startedAtMs: 5 })).toBe(true);
    expect(
      await store.transitionLease({
        leaseId: 'lease-a',
        from: 'paid',
        to: 'ended',
        endReason: 'supplier-lost',
        atMs: 9,
        reason: 'gone',
        facts: { workersCompleted: [], workersEndedBySupplier: ['wkr-1'], renterMissedIncrement: false },
      }),
    ).toBe(true);
    const stored = await store.getLease('lease-a');
    expect(stored?.state).toBe('ended');
    expect(stored?.endReason).toBe('supplier-lost');
    expect(stored?.startedAtMs).toBe(5);
    expect(stored?.endedAtMs).toBe(9);
    expect(stored?.transitions.map((t) => `${t.from}->${t.to}`)).toEqual(['null->reserved', 'reserved->paid', 'paid->ended']);
    expect((await store.workerFacts('wkr-1')).leasesEndedBySupplier).toBe(1);
    expect(await store.listActiveLeases()).toEqual([]);
    await store.close();
  });

  it('keeps leases, payments and workers across a reopen of the same file', async () => {
    const path = freshPath();
    const first = new SqliteHubStore(path);
    const worker = await first.upsertWorker({ newWorkerId: 'wkr-1', owner: 'supplier-a', machineId: 'machine-0001', hardware: { gpus: [] }, region: 'eu-west', advertisedHost: null, atMs: 1 });
    await first.createLease(lease('lease-a'));
    await first.creditPayment({ leaseId: 'lease-a', increment: 0, payee: 'supplier-a', signature: 'sig-1', paidAtMs: 2_000, onTime: true, renter: 'renter-a' });
    await first.recordPresence([{ workerId: 'wkr-1', addOnlineMs: 1_234, lastSeenMs: 3_000 }]);
    await first.close();

    const second = new SqliteHubStore(path);
    const again = await second.upsertWorker({ newWorkerId: 'wkr-other', owner: 'supplier-a', machineId: 'machine-0001', hardware: { gpus: [] }, region: 'us-east', advertisedHost: null, atMs: 4_000 });
    expect(again.workerId).toBe(worker.workerId);
    expect(again.onlineMs).toBe(1_234);
    const [active] = await second.listActiveLeases();
    expect(active?.payments.find((p) => p.increment === 0)?.signature).toBe('sig-1');
    expect(active?.payments.find((p) => p.increment === 1)?.signature).toBeNull();
    expect(active?.payments[0]?.amount).toBe(166_667n);
    expect(await second.volumePaidAllTime()).toBe(166_667n);
    await second.close();
  });
});
