import type { Migration } from '../../../sqlite/migration';

/**
 * Receipts name their token. `rent_payments.token` is the symbol (common/money's
 * registry) of the token a payment was made in, so the Spending view shows each amount in
 * its own unit once a grid pays in another stablecoin. Every row written before this
 * migration was a USDC payment: USDC was the only token the app could pay in.
 */
export const paymentTokensMigration: Migration = {
  version: 6,
  name: 'payment-tokens',
  up(db) {
    db.exec(`
      ALTER TABLE rent_payments ADD COLUMN token TEXT NOT NULL DEFAULT 'USDC' CHECK (token <> '');
    `);
  },
};
