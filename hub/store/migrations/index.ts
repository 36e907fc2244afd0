import type { Migration } from '../../../sqlite/migration';
import { sessionsMigration } from './001-sessions';
import { workersAndOffersMigration } from './002-workers-and-offers';
import { leasesMigration } from './003-leases';
import { paymentsMigration } from './004-payments';
import { sessionAudienceMigration } from './005-session-audience';
import { gpuHoldsMigration } from './006-gpu-holds';
import { gpuBindingsMigration } from './007-gpu-bindings';
import { reservationsExpiredMigration } from './008-reservations-expired';
import { trustMigration } from './009-trust';
import { explorerSeriesMigration } from './010-explorer-series';

/**
 * Every hub.db migration, in order. Add a file `NNN-name.ts` and append it here; each has
 * a test next to it that upgrades a database holding real rows.
 */
export const HUB_MIGRATIONS: readonly Migration[] = [
  sessionsMigration,
  workersAndOffersMigration,
  leasesMigration,
  paymentsMigration,
  sessionAudienceMigration,
  gpuHoldsMigration,
  gpuBindingsMigration,
  reservationsExpiredMigration,
  trustMigration,
  explorerSeriesMigration,
];
