import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ClusterRequest } from '../common/hub/lease-types';
import type { ReservedNode } from '../hub/placement/gang-placement';
import type { HubStore, NewLease } from '../hub/store/hub-store';
import { GpuHeldError } from '../hub/store/hub-store';
import { PgHubStore } from '../hub/store/postgres/pg-hub-store';
import { SqliteHubStore } from '../hub/store/sqlite-hub-store';
import type { InstanceBus } from '../hub/instances/instance-bus';
import { PgInstanceBus } from '../hub/instances/pg-instance-bus';
import { collectGarbage } from '../hub/testing/collect-garbage';
import { startPrivatePostgres } from '../hub/testing/private-postgres';
import type { BenchRequest } from '../hub/testing/synthetic-market';
import { buildMarket, buildRequests, percentile, round } from '../hub/testing/synthetic-market';

// `npm run bench -- placement-pg`: placement made durable, over two hub instances. Each
// request is planned and reserved in its instance's own memory (its offer book and
// GangPlacement, as `placement` measures) and then committed as a lease with its GPU holds
// (HubStore.createLease: the unique (worker, GPU) keys that make it exact across
// instances); timed from plan to commit. As the hub does, each instance then says
// `lease.changed` on its LISTEN/NOTIFY bus and the other reloads the lease and holds its GPUs
// in its own book (until it has, a quote there may pick a taken GPU: the store refuses it and
// names the GPU, the instance plans again — `replans` — and after three refusals the request
// fails: `gpu_conflicts`). Leases are ended FIFO (not timed) so the market stays half
// booked. PostgreSQL: a private cluster (fsync on), two instances (own store connections,
// own bus, own copy of the market) taking alternate requests, CONCURRENCY in flight.
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

interface Instance {
  store: HubStore;
  bus: InstanceBus | null;
  market: ReturnType<typeof buildMarket>;
}

/**
 * What the hub's InstanceSync does with another instance's lease: hold its GPUs here at once
 * (or free them when it ended), then reload the lease from the store without holding up the
 * next event.
 */
function follow(instance: Instance): void {
  instance.bus?.subscribe((_from, event) => {
    if (event.type !== 'lease.changed') return;
    for (const h of event.holds) {
      if (event.ended) instance.market.book.release(h.workerId, h.gpuUuids, event.leaseId);
      else instance.market.book.hold(h.workerId, h.gpuUuids, event.leaseId, false, true);
    }
    void instance.store.getLease(event.leaseId).catch(() => undefined);
  });
}
const changed = (leaseId: string, ended: boolean, nodes: ReservedNode[]) => ({ type: 'lease.changed' as const, leaseId, ended, holds: nodes.map((n) => ({ workerId: n.offer.workerId, gpuUuids: n.gpuUuids })) });

async function run(instances: readonly Instance[], list: readonly BenchRequest[], inFlight: number) {
  const nowMs = Date.now();
  const gpuCount = instances[0]!.market.gpuCount;
  const held: Array<{ leaseId: string; nodes: ReservedNode[]; gpus: number; instance: Instance }> = [];
  let heldGpus = 0;
  let next = 0;
  let placed = 0;
  let conflicts = 0;
  let replans = 0;
  const latenciesMs: number[] = [];
  const t0 = process.hrtime.bigint();
  const lane = async () => {
    while (next < list.length) {
      const i = next++;
      const r = list[i]!;
      const leaseId = `lease-${i}`;
      const start = process.hrtime.bigint();
      const instance = instances[i % instances.length]!;
      const { market, store } = instance;
      // As LeaseService.quote: a GPU another instance took is named by the store, marked, and planned around (3 plans at most).
      for (let attempt = 1; attempt <= 3; attempt++) {
        const nodes = market.placement.place({ ...r, nowMs }, (o, n) => market.book.take(o, n, leaseId));
        if (!nodes) break;
        try {
          await store.createLease(leaseOf(leaseId, r, nodes, nowMs));
          instance.bus?.publish(changed(leaseId, false, nodes));
          placed += 1;
          held.push({ leaseId, nodes, gpus: r.gpuCount, instance });
          heldGpus += r.gpuCount;
          break;
        } catch (error) {
          for (const n of nodes) market.book.release(n.offer.workerId, n.gpuUuids, leaseId);
          if (!(error instanceof GpuHeldError)) throw error;
          if (attempt === 3) conflicts += 1;
          else replans += 1;
          for (const h of error.held) market.book.hold(h.workerId, [h.gpuUuid], h.leaseId, false, true);
        }
      }
      latenciesMs.push(Number(process.hrtime.bigint() - start) / 1e6);
      while (heldGpus > gpuCount * heldShare && held.length > 0) {
        const lease = held.shift()!;
        heldGpus -= lease.gpus;
        await lease.instance.store.transitionLease({ leaseId: lease.leaseId, from: 'reserved', to: 'ended', endReason: 'terminated', atMs: nowMs, reason: 'bench' });
        lease.instance.bus?.publish(changed(lease.leaseId, true, lease.nodes));
        for (const n of lease.nodes) lease.instance.market.book.release(n.offer.workerId, n.gpuUuids, lease.leaseId);
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
    replans,
  };
}

async function main(): Promise<void> {
  const list = buildRequests(requests, 7);

  console.log(`PostgreSQL: two instances (each its own store connections, bus and offer book), ${machines} machines, ${requests} requests, ${concurrency} in flight…`);
  const cluster = await startPrivatePostgres();
  let pgResult;
  try {
    const url = cluster.url('postgres');
    const instances: Instance[] = [];
    for (let k = 0; k < 2; k++) {
      const instance = { store: await PgHubStore.open({ url, poolSize: Math.ceil(concurrency / 2) }), bus: await PgInstanceBus.open(url, () => undefined), market: buildMarket(machines, 42) };
      follow(instance);
      instances.push(instance);
    }
    collectGarbage();
    pgResult = await run(instances, list, concurrency);
    for (const instance of instances) {
      await instance.bus?.close();
      await instance.store.close();
    }
  } finally {
    await cluster.stop();
  }

  console.log(`baseline: SQLite, one instance…`);
  const dir = mkdtempSync(join(tmpdir(), 'idlegrid-bench-placement-'));
  let baseline;
  try {
    const store = new SqliteHubStore(join(dir, 'hub.db'));
    collectGarbage();
    baseline = await run([{ store, bus: null, market: buildMarket(machines, 42) }], list, concurrency);
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
