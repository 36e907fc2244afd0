import type { HubStore } from '../hub-store';
import { RENTER, SUPPLIERS } from './fixtures';

/**
 * Everything a store shows through its reads, in a form `toEqual` can compare: a refused
 * write must leave it exactly as it was, a restart must give it back whole. Lists whose
 * order hub-store.ts does not promise are sorted by id here.
 */
export async function observe(store: HubStore, leaseIds: readonly string[] = []) {
  const byId = <T>(key: (item: T) => string) => (a: T, b: T) => key(a).localeCompare(key(b));
  return {
    workers: (await store.listWorkers()).sort(byId((w) => w.workerId)),
    workerFacts: (await store.listWorkerFacts()).sort(byId((f) => f.workerId)),
    offers: (await store.listActiveOffers()).sort(byId((o) => o.offerId)),
    activeLeases: (await store.listActiveLeases()).sort(byId((l) => l.leaseId)),
    leases: await Promise.all(leaseIds.map((id) => store.getLease(id))),
    renterLeases: await store.listRenterLeases(RENTER, 100),
    renterFacts: await store.renterFacts(RENTER),
    supplierFacts: await Promise.all(SUPPLIERS.map((s) => store.renterFacts(s))),
    recentPayments: await store.recentPayments(100),
    volumePaidAllTime: await store.volumePaidAllTime(),
    volumePaidSinceZero: await store.volumePaidSince(0),
  };
}
