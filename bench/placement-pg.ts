import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ClusterRequest } from '../common/hub/lease-types';
import type { ReservedNode } from '../hub/placement/gang-placement';
import type { HubStore, NewLease } from '../hub/store/hub-store';
import { GpuHeldError } from '../hub/store/hub-store';
import { PgHubStore } from '../hub/store/postgres/pg-hub-store';
import { SqliteHubStore } from '../hub/store/sqlite-hub-store';
import { collectGarbage } from '../hub/testing/collect-garbage';
import { startPrivatePostgres } from '../hub/testing/private-postgres';
import type { BenchRequest } from '../hub/testing/synthetic-market';
import { buildMarket, buildRequests, percentile, round } from '../hub/testing/synthetic-market';

// `npm run bench -- placement-pg`: placement made durable. Each request is planned and
// reserved in memory (GangPlacement, as `placement` measures) and then committed as a lease
// with its GPU holds (HubStore.createLease: the unique (worker, GPU) keys that make it exact
// across instances); timed from plan to commit. Leases are ended FIFO (not timed; the end
// frees the holds before the GPUs go back to the index) so the market stays half booked.
// PostgreSQL: a private cluster (fsync on), two PgHubStore instances (two sets of
// connections, as two hub instances have) taking alternate requests, CONCURRENCY in flight.
// Baseline in the same run: the SQLite store (hub.db, synchronous=FULL), one instance.
const machines = Number(process.env.BENCH_WORKERS ?? 10_000);
const requests = Number(process.env.BENCH_REQUESTS ?? 100_000);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 32);
const heldShare = 0.5;

const job = { image: 'bench/none:1', command: ['true'], env: {}, masterPort: 29500 };

function leaseOf(leaseId: string, r: BenchRequest, nodes: ReservedNode[], nowMs: number): NewLease {
  const placementNodes = nodes.map((n, rank) => ({
    rank,
    workerId: n.offer.workerId,
    offerId: n.offer.offerId,
    supplier: n.offer.supplier,
    gpuModel: n.offer.gpuModel,
    vramMiB: n.offer.vramMiB,
    gpuUuids: n.gpuUuids,
    pricePerGpuHour: n.offer.pricePerGpuHour.toString(),
    region: n.offer.region,
    interruptible: n.offer.interruptible,
  }));
  const request = { gpuCount: r.gpuCount, constraints: r.constraints, job, durationMs: r.leaseDurationMs } as unknown as ClusterRequest;
  return {
    leaseId,
    renter: `renter-${leaseId.length % 97}`,
    createdAtMs: nowMs,
    expiresAtMs: nowMs + 120_000,
    incrementMs: 600_000,
    incrementCount: 1,
    graceMs: 60_000,
    mint: 'bench-mint',
    request,
    placement: { gpuCount: r.gpuCount, nodes: placementNodes },
    payments: placementNodes.map((n) => ({ increment: 0, payee: `${n.supplier}-${n.rank}`, amount: 1_000_000n, reference: `${leaseId}-${n.rank}`, memo: `idlegrid:${leaseId}:0` })),
    reason: 'placed',
  };
}

async function run(stores: readonly HubStore[], list: readonly BenchRequest[], inFlight: number) {
  const market = buildMarket(machines, 42);
  const nowMs = Date.now();
  const held: Array<{ leaseId: string; nodes: ReservedNode[]; gpus: number; store: HubStore }> = [];
  let heldGpus = 0;
  let next = 0;
  let placed = 0;
  let conflicts = 0;
  const latenciesMs: number[] = [];
  const t0 = process.hrtime.bigint();
  const lane = async () => {
    while (next < list.length) {
      const i = next++;
      const r = list[i]!;
      const leaseId = `lease-${i}`;
      const start = process.hrtime.bigint();
      const nodes = market.placement.place({ ...r, nowMs }, (o, n) => market.book.take(o, n, leaseId));
      const store = stores[i % stores.length]!;
      if (nodes) {
        try {
          await store.createLease(leaseOf(leaseId, r, nodes, nowMs));
          placed += 1;
          held.push({ leaseId, nodes, gpus: r.gpuCount, store });
          heldGpus += r.gpuCount;
        } catch (error) {
          for (const n of nodes) market.book.release(n.offer.workerId, n.gpuUuids, leaseId);
          if (!(error instanceof GpuHeldError)) throw error;
          conflicts += 1;
        }
      }
      latenciesMs.push(Number(process.hrtime.bigint() - start) / 1e6);
      while (heldGpus > market.gpuCount * heldShare && held.length > 0) {
        const lease = held.shift()!;
        heldGpus -= lease.gpus;
        await lease.store.transitionLease({ leaseId: lease.leaseId, from: 'reserved', to: 'ended', endReason: 'terminated', atMs: nowMs, reason: 'bench' });
        for (const n of lease.nodes) market.book.release(n.offer.workerId, n.gpuUuids, lease.leaseId);
      }
    }
  };
  await Promise.all(Array.from({ length: inFlight }, lane));
  const totalMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const sorted = latenciesMs.sort((a, b) => a - b);
  return {
    requests: list.length,
    placements_per_s: round(list.length / (totalMs / 1000), 0),
    p50_ms: round(percentile(sorted, 50), 3),
    p99_ms: round(percentile(sorted, 99), 3),
    placed,
    gpu_conflicts: conflicts,
  };
}

async function main(): Promise<void> {
  const list = buildRequests(requests, 7);

  console.log(`PostgreSQL: two store instances, ${machines} machines, ${requests} requests, ${concurrency} in flight…`);
  const cluster = await startPrivatePostgres();
  let pgResult;
  try {
    const url = cluster.url('postgres');
    const stores = [await PgHubStore.open({ url, poolSize: Math.ceil(concurrency / 2) }), await PgHubStore.open({ url, poolSize: Math.ceil(concurrency / 2) })];
    collectGarbage();
    pgResult = await run(stores, list, concurrency);
    for (const s of stores) await s.close();
  } finally {
    await cluster.stop();
  }

  console.log(`baseline: SQLite, one instance…`);
  const dir = mkdtempSync(join(tmpdir(), 'idlegrid-bench-placement-'));
  let baseline;
  try {
    const store = new SqliteHubStore(join(dir, 'hub.db'));
    collectGarbage();
    baseline = await run([store], list, concurrency);
    await store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  console.log(
    JSON.stringify({
      bench: 'placement-pg',
      workers: machines,
      instances: 2,
      concurrency,
      ...pgResult,
      targets: { placements_per_s: 1_000, p99_ms: 20 },
      baseline: { name: 'SQLite store, one instance', ...baseline },
      ratio_placements_per_s: round(pgResult.placements_per_s / Math.max(1, baseline.placements_per_s), 3),
    }),
  );
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
