import type { PgMigration } from '../pg-migration';
import { pgSessionsMigration } from './001-sessions';
import { pgWorkersAndOffersMigration } from './002-workers-and-offers';
import { pgLeasesMigration } from './003-leases';
import { pgPaymentsMigration } from './004-payments';
import { pgGpuHoldsMigration } from './005-gpu-holds';
import { pgSessionAudienceMigration } from './006-session-audience';
import { pgGpuBindingsAndExpiredReservationsMigration } from './007-gpu-bindings-and-expired-reservations';
import { pgTrustMigration } from './008-trust';
import { pgExplorerSeriesMigration } from './009-explorer-series';

/** Every migration of the hub's PostgreSQL database, in order; migrations.test.ts tests each on a database holding rows. */
export const PG_HUB_MIGRATIONS: readonly PgMigration[] = [
  pgSessionsMigration,
  pgWorkersAndOffersMigration,
  pgLeasesMigration,
  pgPaymentsMigration,
  pgGpuHoldsMigration,
  pgSessionAudienceMigration,
  pgGpuBindingsAndExpiredReservationsMigration,
  pgTrustMigration,
  pgExplorerSeriesMigration,
];
