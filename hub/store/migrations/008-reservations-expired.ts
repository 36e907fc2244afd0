import type { Migration } from '../../../sqlite/migration';

/**
 * Expired reservations in the renter's facts: a quote left to expire unpaid held GPUs for
 * nothing, and now counts against the renter's reputation and how many reservations it
 * may hold at once (issue 14.4).
 */
export const reservationsExpiredMigration: Migration = {
  version: 8,
  name: 'reservations-expired',
  up(db) {
    db.exec('ALTER TABLE renter_facts ADD COLUMN reservations_expired INTEGER NOT NULL DEFAULT 0');
  },
};
