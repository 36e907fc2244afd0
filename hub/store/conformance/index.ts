import { afterEach, describe } from 'vitest';
import type { HubStore } from '../hub-store';
import { describeDurability } from './durability';
import { describeExplorerSeries } from './explorer-series';
import { describeGpuBindings } from './gpu-bindings';
import { describeGpuHolds } from './gpu-holds';
import { describeLeases } from './leases';
import { describePayments } from './payments';
import { describeSessionsWorkersOffers } from './sessions-workers-offers';
import { describeTransitions } from './transitions';

/**
 * The contract every HubStore keeps (the guarantees written in hub-store.ts), as tests that
 * any implementation runs: `describeHubStoreConformance([sqliteFactory, pgFactory])`.
 * The suite knows stores only through these factories, never by their modules, so one
 * suite holds SQLite today and PostgreSQL later to the same promises.
 */
export interface HubStoreFactory {
  readonly name: string;
  /**
   * A store on this test's storage. The first open in a test starts from empty storage
   * (a fresh file, a fresh schema); later opens in the same test reach the same storage,
   * as a restarted hub or a second hub instance would.
   */
  open(): Promise<HubStore> | HubStore;
  /** After each test: close every store this test opened and drop its storage. */
  close(): Promise<void> | void;
}

/** What each area of the suite gets: the store under test, always behind a promise. */
export interface StoreUnderTest {
  open(): Promise<HubStore>;
  /** Closes `store` and opens it again on the same storage (a hub restart). */
  reopen(store: HubStore): Promise<HubStore>;
}

export function describeHubStoreConformance(factories: readonly HubStoreFactory[]): void {
  if (factories.length === 0) throw new Error('the hub store conformance suite needs at least one store factory');
  describe.each(factories)('HubStore conformance: $name', (factory) => {
    afterEach(async () => {
      await factory.close();
    });
    const subject: StoreUnderTest = {
      open: async () => factory.open(),
      reopen: async (store) => {
        await store.close();
        return factory.open();
      },
    };
    describeSessionsWorkersOffers(subject);
    describeLeases(subject);
    describeTransitions(subject);
    describePayments(subject);
    describeDurability(subject);
    describeGpuHolds(subject);
    describeGpuBindings(subject);
    describeExplorerSeries(subject);
  });
}
